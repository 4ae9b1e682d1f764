"""Folio blocks for paper forms (DESIGN §1.4, §2.3).

Reserving a block allocates `count` folio sequences of the unit's counter in the same
transaction, so the application never hands them out again, and records the block.
A paper or fillable-PDF form can come back only with a folio inside a block reserved
for its unit and not yet used by a request.

`actor` None means the local administrator at the command line (the same convention
as `users.add_user`): the CLI runs on the server by whoever owns the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from st2desk import audit, clock, numbering
from st2desk.errors import NotFound, PermissionDenied, ValidationError
from st2desk.models import FolioBlock, Origin, Request, RequestStatus, Role, SequenceKind, Unit, User
from st2desk.services.common import ROLE_LABELS, Actor, require_role
from st2desk.services.workflow import STATUS_LABELS

MAX_BLOCK = 10_000


def acting_user(session: Session, actor: Actor | None, roles: Iterable[Role], doing: str) -> User | None:
    """The acting user holding one of `roles` (checked in the database); None for the CLI."""
    if actor is None:
        return None
    allowed = list(roles)
    for role in allowed:
        if role in actor.roles:
            return require_role(session, actor, role, doing)
    names = " o ".join(ROLE_LABELS[r] for r in allowed)
    raise PermissionDenied(f"Para {doing} se necesita el rol de {names}, que su cuenta no tiene.")


def unit_by_code(session: Session, code: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == (code or "").strip().upper()))
    if unit is None:
        raise NotFound(f"No existe la unidad «{(code or '').strip()}».")
    return unit


@dataclass(frozen=True)
class BlockInfo:
    id: int
    uuid: uuid.UUID
    unit_code: str
    year: int
    first_sequence: int
    last_sequence: int
    used: int

    @property
    def count(self) -> int:
        return self.last_sequence - self.first_sequence + 1

    @property
    def first_folio(self) -> str:
        return numbering.format_folio(self.unit_code, self.year, self.first_sequence)

    @property
    def last_folio(self) -> str:
        return numbering.format_folio(self.unit_code, self.year, self.last_sequence)

    def folios(self) -> list[str]:
        return [numbering.format_folio(self.unit_code, self.year, s)
                for s in range(self.first_sequence, self.last_sequence + 1)]


def _info(session: Session, block: FolioBlock, unit_code: str) -> BlockInfo:
    first = numbering.format_folio(unit_code, block.year, block.first_sequence)
    last = numbering.format_folio(unit_code, block.year, block.last_sequence)
    # Folios of one unit and year sort like their sequences (fixed-width digits).
    used = sum(1 for folio in session.scalars(
        select(Request.folio).where(Request.requesting_unit_id == block.unit_id,
                                    Request.folio >= first[:-1], Request.folio <= last))
        if block.first_sequence <= numbering.parse_number(folio).sequence <= block.last_sequence)
    return BlockInfo(block.id, block.uuid, unit_code, block.year, block.first_sequence,
                     block.last_sequence, used)


def reserve_block(session: Session, actor: Actor | None, unit_code: str, count: int, *,
                  year: int | None = None) -> BlockInfo:
    """Reserve `count` consecutive folios of the unit for paper forms (administrators)."""
    user = acting_user(session, actor, [Role.ADMIN], "reservar folios para formatos en papel")
    from st2desk import signing

    site = signing.site_label(session)
    if not site.all_units:
        # A unit's own database would reserve folios central may also hand out: it prints
        # only the blocks central reserved for it (they arrive in central's bundle).
        raise ValidationError(
            f"Esta base de datos es la del sitio {site.code} (sin red): no reserva folios; la "
            "oficina central los reserva y los envía en su paquete. Vea los bloques recibidos con "
            "«st2desk folios list» e imprímalos con «st2desk print blank --block PRIMER_FOLIO».",
            field="count")
    if not isinstance(count, int) or not 1 <= count <= MAX_BLOCK:
        raise ValidationError(f"La cantidad de folios debe estar entre 1 y {MAX_BLOCK}.",
                              field="count")
    unit = unit_by_code(session, unit_code)
    if not unit.active:
        raise ValidationError(f"La unidad {unit.code} no está activa.", field="unit")
    this_year = clock.today_in(unit.time_zone).year  # the unit's own year (issue 13, 1)
    year = year or this_year
    if year not in (this_year, this_year + 1):
        raise ValidationError("Solo se reservan folios del año en curso o del siguiente.",
                              field="year")
    first = numbering.allocate(session, unit.id, year, SequenceKind.FOLIO, count)
    block = FolioBlock(uuid=uuid.uuid4(), unit_id=unit.id, year=year, first_sequence=first,
                       last_sequence=first + count - 1,
                       reserved_by_id=user.id if user else None, reserved_at=clock.now())
    session.add(block)
    session.flush()
    info = BlockInfo(block.id, block.uuid, unit.code, year, first, first + count - 1, 0)
    audit.record(session, user_id=actor.user_id if actor else None,
                 username=actor.username if actor else None, action="reserve_folios",
                 entity="folio_block", entity_id=block.uuid,
                 details={"unit": unit.code, "year": year, "count": count,
                          "first": info.first_folio, "last": info.last_folio})
    return info


def block_of_folio(session: Session, text: str) -> BlockInfo:
    """The reserved block a folio lies in — the same in every database, unlike its local id."""
    folio = numbering.normalize(text)
    parsed = numbering.parse_number(folio)
    if parsed.is_authorization:
        raise ValidationError(f"«{folio}» es un número de autorización, no un folio.")
    unit = unit_by_code(session, parsed.unit_code)
    block = session.scalar(select(FolioBlock).where(
        FolioBlock.unit_id == unit.id, FolioBlock.year == parsed.year,
        FolioBlock.first_sequence <= parsed.sequence, FolioBlock.last_sequence >= parsed.sequence))
    if block is None:
        raise NotFound(f"El folio {folio} no pertenece a ningún bloque reservado en esta base de "
                       "datos (vea «st2desk folios list»).")
    return _info(session, block, unit.code)


def get_block(session: Session, block_id: int) -> BlockInfo:
    block = session.get(FolioBlock, block_id)
    if block is None:
        raise NotFound(f"No existe el bloque de folios {block_id}.")
    unit = session.get(Unit, block.unit_id)
    return _info(session, block, unit.code)  # type: ignore[union-attr]


def list_blocks(session: Session, unit_code: str | None = None) -> list[BlockInfo]:
    query = select(FolioBlock, Unit.code).join(Unit, FolioBlock.unit_id == Unit.id)
    if unit_code:
        query = query.where(Unit.code == unit_by_code(session, unit_code).code)
    rows = session.execute(query.order_by(Unit.code, FolioBlock.year, FolioBlock.first_sequence)).all()
    return [_info(session, block, code) for block, code in rows]


@dataclass(frozen=True)
class ReservedFolio:
    folio: str
    unit: Unit
    block: FolioBlock
    draft_id: int | None = None  # the paper draft the form replaces (see `check_reserved_folio`)


def check_reserved_folio(session: Session, text: str, *,
                         replace_drafts_of: Iterable[Origin] = ()) -> ReservedFolio:
    """The folio if it lies in a block reserved for its unit and no request uses it yet.

    A folio held by a draft whose origin is in `replace_drafts_of` is returned with that
    draft's id: the corrected form replaces the draft. Raises ValidationError (field
    "folio") with the reason otherwise.
    """
    folio = numbering.normalize(text)
    if not folio:
        raise ValidationError("Falta el folio del formato.", field="folio")
    try:
        parsed = numbering.parse_number(folio)
    except ValidationError as exc:
        raise ValidationError(exc.message, field="folio") from None
    if parsed.is_authorization:
        raise ValidationError(f"«{folio}» es un número de autorización, no un folio de solicitud.",
                              field="folio")
    unit = session.scalar(select(Unit).where(Unit.code == parsed.unit_code))
    if unit is None:
        raise ValidationError(f"La unidad {parsed.unit_code} del folio {folio} no existe.",
                              field="folio")
    used = session.execute(select(Request.id, Request.status, Request.origin)
                           .where(Request.folio == folio)).first()
    draft_id = None
    if used is not None and used.status is RequestStatus.DRAFT \
            and used.origin in tuple(replace_drafts_of):
        draft_id, used = used.id, None
    if used is not None:
        raise ValidationError(
            f"El folio {folio} ya está usado por una solicitud registrada "
            f"(estado «{STATUS_LABELS[used.status]}»); un folio de papel se registra una sola vez.",
            field="folio")
    block = session.scalar(select(FolioBlock).where(
        FolioBlock.unit_id == unit.id, FolioBlock.year == parsed.year,
        FolioBlock.first_sequence <= parsed.sequence, FolioBlock.last_sequence >= parsed.sequence))
    if block is None:
        raise ValidationError(
            f"El folio {folio} no pertenece a ningún bloque reservado para formatos en papel de la "
            f"unidad {unit.code}: no se puede registrar con él.", field="folio")
    return ReservedFolio(folio, unit, block, draft_id)
