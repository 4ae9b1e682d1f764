"""The seeded cast every database test starts with: units, users of each role, patients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from st2desk.catalogs import load_reference_data
from st2desk.db import Database
from st2desk.identifiers import make_curp, make_nss
from st2desk.models import Patient, Role, Service, Sex, Specialty, Unit, User
from st2desk.services.common import Actor
from st2desk.services.users import add_user

PASSWORD = "clave-de-prueba-1"

REQUESTING_UNIT = "09UMF20"
PERFORMING_UNIT = "09HGZ24"
OTHER_UNIT = "09HGZ27"
SERVICE = "IMG-TAC-CRA"  # out of the basic catalog, RADIO, 90-day repeat window
BASIC_SERVICE = "IMG-RX-TOR"  # in the basic catalog
FEMALE_SERVICE = "IMG-MAM-DX"  # women, 30 years and over
DIAGNOSIS = "G43.9"


@dataclass(frozen=True)
class Cast:
    requesting_unit_id: int
    performing_unit_id: int
    other_unit_id: int
    service_id: int
    basic_service_id: int
    female_service_id: int
    physician: Actor
    physician2: Actor
    specialist: Actor
    specialist2: Actor
    other_specialist: Actor
    dual: Actor  # physician and specialist at the performing unit
    appeals: Actor
    chief: Actor  # specialist and appeals at the performing unit
    reception: Actor
    reception_elsewhere: Actor
    admin: Actor
    patient_id: int  # adult man, titular
    patient_female_id: int  # adult woman, beneficiary
    patient_child_id: int


def _actor(session, username: str) -> Actor:  # type: ignore[no-untyped-def]
    return Actor.from_user(session.scalar(select(User).where(User.username == username)))


def build_cast(db: Database) -> Cast:
    db.upgrade()
    with db.transaction() as s:
        load_reference_data(s)
    unit_id = {}
    with db.transaction() as s:
        for code in (REQUESTING_UNIT, PERFORMING_UNIT, OTHER_UNIT):
            unit_id[code] = s.scalar(select(Unit.id).where(Unit.code == code))
        service = s.scalar(select(Service).where(Service.code == SERVICE))
        specialty = s.get(Specialty, service.specialty_id).code
        other_specialty = s.scalar(select(Specialty.code).where(Specialty.code != specialty).limit(1))
        people = [
            ("medico1", REQUESTING_UNIT, [Role.PHYSICIAN], None),
            ("medico2", REQUESTING_UNIT, [Role.PHYSICIAN], None),
            ("dictaminador1", PERFORMING_UNIT, [Role.SPECIALIST], specialty),
            ("dictaminador2", PERFORMING_UNIT, [Role.SPECIALIST], specialty),
            ("dictaminador.otro", PERFORMING_UNIT, [Role.SPECIALIST], other_specialty),
            ("medico.dictaminador", PERFORMING_UNIT, [Role.PHYSICIAN, Role.SPECIALIST], specialty),
            ("jefe.servicio", PERFORMING_UNIT, [Role.APPEALS], None),
            ("jefe.dictaminador", PERFORMING_UNIT, [Role.SPECIALIST, Role.APPEALS], specialty),
            ("recepcion1", PERFORMING_UNIT, [Role.RECEPTION], None),
            ("recepcion.umf", REQUESTING_UNIT, [Role.RECEPTION], None),
            ("admin1", REQUESTING_UNIT, [Role.ADMIN], None),
        ]
        for username, unit, roles, spec in people:
            add_user(s, None, username=username, full_name=username.replace(".", " ").title(),
                     password=PASSWORD, unit_code=unit, roles=roles, specialty_code=spec)
        patients = [
            Patient(nss=make_nss(1, 5, 1980, 1234), agregado="1M1980OR",
                    curp=make_curp("PEGJ", date(1980, 5, 17), Sex.MALE, "DF", "RRN"),
                    first_name="JUAN", last_name="PÉREZ", second_last_name="GÓMEZ",
                    birth_date=date(1980, 5, 17), sex=Sex.MALE, unit_id=unit_id[REQUESTING_UNIT],
                    eligible_until=date(2099, 12, 31)),
            Patient(nss=make_nss(1, 5, 1980, 1234), agregado="2F1983OR",
                    curp=make_curp("LOMA", date(1983, 2, 3), Sex.FEMALE, "DF", "RPR"),
                    first_name="MARÍA", last_name="LÓPEZ", second_last_name="MUÑOZ",
                    birth_date=date(1983, 2, 3), sex=Sex.FEMALE, unit_id=unit_id[REQUESTING_UNIT],
                    eligible_until=date(2099, 12, 31)),
            Patient(nss=make_nss(1, 5, 1980, 1234), agregado="3M2018OR",
                    curp=make_curp("PELD", date(2018, 9, 9), Sex.MALE, "DF", "RPN"),
                    first_name="DIEGO", last_name="PÉREZ", second_last_name="LÓPEZ",
                    birth_date=date(2018, 9, 9), sex=Sex.MALE, unit_id=unit_id[REQUESTING_UNIT],
                    eligible_until=date(2099, 12, 31)),
        ]
        s.add_all(patients)
        s.flush()

        def sid(code: str) -> int:
            return s.scalar(select(Service.id).where(Service.code == code))

        return Cast(
            requesting_unit_id=unit_id[REQUESTING_UNIT],
            performing_unit_id=unit_id[PERFORMING_UNIT],
            other_unit_id=unit_id[OTHER_UNIT],
            service_id=service.id,
            basic_service_id=sid(BASIC_SERVICE),
            female_service_id=sid(FEMALE_SERVICE),
            physician=_actor(s, "medico1"),
            physician2=_actor(s, "medico2"),
            specialist=_actor(s, "dictaminador1"),
            specialist2=_actor(s, "dictaminador2"),
            other_specialist=_actor(s, "dictaminador.otro"),
            dual=_actor(s, "medico.dictaminador"),
            appeals=_actor(s, "jefe.servicio"),
            chief=_actor(s, "jefe.dictaminador"),
            reception=_actor(s, "recepcion1"),
            reception_elsewhere=_actor(s, "recepcion.umf"),
            admin=_actor(s, "admin1"),
            patient_id=patients[0].id,
            patient_female_id=patients[1].id,
            patient_child_id=patients[2].id,
        )
