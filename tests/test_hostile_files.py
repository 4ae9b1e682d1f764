"""Broken or malicious PDFs and bundles: a clear refusal and nothing changed, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from st2desk.services import paper
from st2desk.services.sync import BundleRefused
from tests.test_paper_import import filled_copy, print_fillable_blanks
from tests.test_sync import dirs, export, import_, offline, pair, snapshot, submitted_request  # noqa: F401

FUZZ = settings(max_examples=30, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def filled_pdf(db, cast, tmp_path) -> bytes:  # type: ignore[no-untyped-def]
    [blank] = print_fillable_blanks(db, tmp_path, 1)
    return filled_copy(db, cast, blank, tmp_path / "llenado.pdf").read_bytes()


@FUZZ
@given(data=st.data())
def test_corrupted_fillable_pdf_is_refused_or_imported_whole(db, cast, filled_pdf, tmp_path, data):
    """Flip, cut or splice bytes of a filled form: every outcome is a report, not an exception."""
    kind = data.draw(st.sampled_from(["flip", "truncate", "garbage"]))
    body = bytearray(filled_pdf)
    if kind == "flip":
        for pos in data.draw(st.lists(st.integers(0, len(body) - 1), min_size=1, max_size=20)):
            body[pos] ^= 0xFF
    elif kind == "truncate":
        body = body[:data.draw(st.integers(0, len(body) - 1))]
    else:
        pos = data.draw(st.integers(0, len(body)))
        body[pos:pos] = data.draw(st.binary(min_size=1, max_size=400))
    path = tmp_path / "hostil.pdf"
    path.write_bytes(bytes(body))
    before = snapshot_counts(db)
    [outcome] = paper.import_pdf_files(db, None, [path])
    if outcome.accepted:
        assert snapshot_counts(db)[0] == before[0] + 1  # one whole request, nothing partial
    else:
        assert outcome.problems and all(p.message for p in outcome.problems)
        assert snapshot_counts(db) == before


def snapshot_counts(db) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from st2desk.models import AuditEvent, Request

    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(Request)),
                s.scalar(select(func.count()).select_from(AuditEvent)))


def test_any_altered_byte_of_a_bundle_is_refused(db, offline, cast, dirs):  # noqa: F811
    """Flip single bytes all over a signed bundle (header, body, signature): always refused."""
    import random

    central, unit = dirs["central"], dirs["offline"]
    pair(db, offline, dirs)
    submitted_request(offline, cast)
    bundle = export(offline, unit, full=True)
    before = snapshot(db)
    positions = {0, len(bundle) - 1, *random.Random(2026).sample(range(len(bundle)), 60)}
    for pos in sorted(positions):
        altered = bytearray(bundle)
        altered[pos] ^= 0x01
        with pytest.raises(BundleRefused) as refused:
            import_(db, central, bytes(altered))
        assert refused.value.message, pos
    assert snapshot(db) == before
    assert import_(db, central, bundle).inserted["request"] == 1  # the intact one still goes in
