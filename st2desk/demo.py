"""Realistic demo data: users, patients and ST2 requests in every state (DESIGN §4.1 `demo`).

Everything is created through the services, exactly as the GUI would, with the domain
clock frozen at believable moments of the last ~10 months (never after the real now):
the physician drafts and submits during office hours, the specialist decides hours or
days later, reception records the use within the validity, the scheduled job expires
what was not used. Steps of all requests are replayed in time order, so folios,
authorization numbers and the audit log grow chronologically and the automated review
sees the database as it was at each moment.

Same seed on an empty database gives the same data. Running it again adds new
patients and requests (the random stream is derived from the seed and what is already
there) and reuses the demo users, who all share `DEMO_PASSWORD`.
"""

from __future__ import annotations

import hashlib
import heapq
import random
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone

from faker import Faker
from sqlalchemy import func, select

from st2desk import clock
from st2desk.db import Database
from st2desk.errors import St2Error, ValidationError
from st2desk.identifiers import make_curp, make_nss
from st2desk.models import (
    Authorization,
    Diagnosis,
    Patient,
    Priority,
    Request,
    RequestStatus,
    Role,
    Service,
    Sex,
    Specialty,
    Unit,
    User,
)
from st2desk.services import authorizations, decisions, requests
from st2desk.services.common import Actor
from st2desk.services.patients import PatientData, register_patient
from st2desk.services.requests import RequestData
from st2desk.services.review import age_on
from st2desk.services.users import add_user, assign_matricula

DEMO_PASSWORD = "demo-st2-2026"


def _first_name(fake: Faker, female: bool) -> str:
    # Faker's es_MX list carries "Jos", a truncated "José".
    first = fake.first_name_female() if female else fake.first_name_male()
    return "José" if first == "Jos" else first

S = RequestStatus
MX = timezone(timedelta(hours=-6), "CST")  # clinics' calendar (clock.today uses the same)
HISTORY_DAYS = 300

# --------------------------------------------------------------------------- summary

_STATUS_WORDS = {
    S.DRAFT: "borrador",
    S.PERFORMED_EMERGENCY: "urgencia por presentar",
    S.IN_REVIEW: "en revisión",
    S.INFO_REQUESTED: "información solicitada",
    S.AUTHORIZED: "autorizada",
    S.REJECTED: "rechazada",
    S.IN_APPEAL: "en recurso de revisión",
    S.REJECTED_FINAL: "rechazo definitivo",
    S.USED: "utilizada",
    S.EXPIRED: "vencida",
    S.CANCELLED: "cancelada",
}


@dataclass
class DemoSummary:
    """What one run of `generate` left in the database."""

    users: int = 0  # demo users available (created now or by an earlier run)
    patients: int = 0  # patients registered by this run
    requests: int = 0  # requests created by this run
    by_status: dict[RequestStatus, int] = field(default_factory=dict)
    users_created: int = 0
    blocked_submissions: int = 0  # submissions the automated review kept as drafts
    warnings: dict[str, int] = field(default_factory=dict)  # review warnings by code
    problems: list[str] = field(default_factory=list)  # steps the services refused
    example_users: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        users = f"{self.users} usuarios"
        if self.example_users:
            users += f" (p. ej. {', '.join(self.example_users)})"
        text = f"{users}, {self.patients} pacientes, {self.requests} solicitudes"
        states = ", ".join(f"{_STATUS_WORDS[s]} {self.by_status[s]}"
                           for s in RequestStatus if self.by_status.get(s))
        if states:
            text += f" ({states})"
        if self.blocked_submissions:
            text += (f"; {self.blocked_submissions} envíos detenidos por la revisión automática "
                     "quedaron como borrador")
        if self.problems:
            text += f"; {len(self.problems)} pasos rechazados por el sistema"
        return text


# --------------------------------------------------------------------------- the cast


@dataclass(frozen=True)
class _Delegation:
    code: str
    umfs: tuple[tuple[str, int], ...]  # (unit code, physicians)
    hospital: str  # level II: HGZ/HGR
    umae: str  # level III
    weight: float  # share of the patients
    subdelegations: tuple[int, ...]  # first two digits of the NSS
    birth_states: tuple[tuple[str, int], ...]  # CURP state codes and weights


DELEGATIONS = (
    _Delegation("09", (("09UMF20", 2), ("09UMF23", 1), ("09UMF94", 1)), "09HGZ24", "09UMAE01",
                0.6, (1, 2, 3, 96),
                (("DF", 74), ("MC", 10), ("HG", 4), ("PL", 4), ("VZ", 4), ("GR", 4))),
    _Delegation("19", (("19UMF15", 2), ("19UMF28", 1)), "19HGZ33", "19UMAE25",
                0.4, (19, 20, 43),
                (("NL", 70), ("TS", 8), ("CL", 6), ("SP", 6), ("VZ", 5), ("ZS", 5))),
)
ADMIN_UNIT = "09UMF20"
# One physician with a copy-paste habit, so the "same justification" warning shows up.
STOCK_PHYSICIAN = "medico2.umf20"

# code: (level, weight, typical age from, to, share of women, plausible CIE-10 codes)
SERVICES: dict[str, tuple[int, float, int, int, float, tuple[str, ...]]] = {
    # level II — imaging (RADIO)
    "IMG-TAC-CRA": (2, 6, 18, 85, .5, ("R51", "G40.9", "G45.9", "R42", "F03", "G30.9")),
    "IMG-TAC-TOR": (2, 4, 30, 85, .45, ("R91", "C34.9", "J84.1", "J47", "J90")),
    "IMG-TAC-ABD": (2, 5, 30, 85, .5, ("R19.0", "C18.9", "C16.9", "K57.3", "C64", "C22.0",
                                       "R63.4")),
    "IMG-MAM-DX": (2, 4, 35, 75, 1, ("N63", "R92", "N64.4", "Z80.3", "D24", "N60.1")),
    "IMG-US-MAM": (2, 3, 18, 65, .92, ("N63", "N60.1", "N61", "N64.4", "D24")),
    "IMG-US-DOP-MI": (2, 3, 35, 80, .65, ("I83.9", "I80.2", "I87.2", "I82.9", "R60.0")),
    "IMG-US-DOP-CAR": (2, 2, 50, 85, .45, ("I65.2", "G45.9", "I67.2", "I63.9")),
    "IMG-US-CAD-LAC": (2, 1, 0, 0, .7, ("Q65.9", "Q65.0")),
    "IMG-DENSIT": (2, 3, 50, 85, .8, ("M81.9", "M81.0", "N95.1", "M80.0", "E55.9")),
    # level II — endoscopy and hepatology laboratory (GASTRO)
    "END-PANEND": (2, 6, 25, 80, .55, ("K21.0", "K29.5", "K25.9", "R13", "K22.7", "K30",
                                       "D50.0", "K31.7")),
    "END-COLON": (2, 5, 45, 80, .5, ("K62.1", "D12.6", "K51.9", "K50.9", "Z12.1", "Z80.0",
                                     "K57.3", "D50.0", "K63.5")),
    "END-CPRE": (2, 1.5, 35, 85, .6, ("K80.5", "K83.0", "R17", "C24.9", "K86.1")),
    "LAB-PFH-ESP": (2, 1.5, 30, 75, .5, ("K74.6", "K76.0", "K70.3", "R17", "K73.9", "R74.0")),
    "LAB-CV-VHC": (2, 1, 25, 75, .45, ("B18.2",)),
    # level II — general surgery
    "CIR-COLE-LAP": (2, 4, 25, 75, .7, ("K80.2", "K80.1", "K81.1")),
    "CIR-HERNIO-ING": (2, 3, 20, 80, .2, ("K40.9", "K40.2")),
    "CIR-HERNIO-UMB": (2, 2, 25, 75, .55, ("K42.9",)),
    "CIR-HEMORR": (2, 2, 25, 75, .45, ("I84.2", "I84.5")),
    # level II — orthopaedics
    "CIR-ARTRO-ROD": (2, 2, 18, 60, .4, ("M23.2", "S83.2", "S83.5", "M22.4", "M23.5")),
    "CIR-TUNEL-CARPO": (2, 2, 30, 70, .75, ("G56.0",)),
    "PRO-CADERA": (2, 1.5, 55, 88, .6, ("M16.1", "M16.0", "M16.9", "S72.0", "M87.0")),
    "PRO-RODILLA": (2, 2, 55, 88, .65, ("M17.0", "M17.1", "M17.9", "M17.3")),
    # level II — physical medicine and rehabilitation
    "TER-FISICA": (2, 6, 18, 80, .55, ("M54.5", "M54.2", "M75.1", "M17.1", "T93.2", "S93.4",
                                       "I69.4", "Z96.6", "M25.5", "M54.4")),
    "TER-MECANO": (2, 2, 18, 70, .45, ("T93.2", "S52.5", "S82.6", "M75.0", "S42.2")),
    "TER-HIDRO": (2, 1, 30, 80, .7, ("M05.9", "M06.9", "M15.9", "M79.7", "M45")),
    "TER-OCUP": (2, 1, 20, 80, .5, ("I69.4", "G56.0", "G81.9", "M05.9")),
    "TER-ESTIM-TEMP": (2, 1, 0, 3, .5, ("G80.9", "Q90.9", "P21.9", "P07.3", "P05.9")),
    "PRO-ORT-OTP": (2, 1, 8, 80, .45, ("G80.9", "G81.9", "I69.4", "G61.0")),
    "PRO-ORT-COL": (2, 1, 12, 80, .6, ("M41.1", "M41.9", "S32.0", "M43.1")),
    "PRO-SILLA": (2, 1, 10, 90, .5, ("G82.2", "I69.4", "G80.9", "G35", "Z89.6", "G81.9")),
    # level II — ophthalmology
    "CIR-FACO": (2, 5, 55, 88, .55, ("H25.1", "H25.9", "H26.9")),
    "CIR-PTERIG": (2, 2, 30, 70, .45, ("H11.0",)),
    # level II — clinical psychology
    "PSI-BREVE": (2, 3, 18, 70, .65, ("F32.1", "F41.1", "F43.2", "F43.1", "F41.0", "F32.0",
                                      "F41.2")),
    "PSI-INFANTIL": (2, 2, 4, 16, .4, ("F90.0", "F80.1", "F84.0", "F81.0", "F91.9", "F98.0")),
    "PSI-PSICOMET": (2, 1, 16, 70, .55, ("F60.3", "F32.1", "F41.1", "F06.7", "F07.2")),
    "PSI-NEUROPSI": (2, 1, 50, 85, .55, ("F06.7", "G30.9", "F03", "F01.9", "G20", "F07.2")),
    # level III — magnetic resonance (RADIO)
    "IMG-RM-ROD": (3, 3, 18, 65, .45, ("M23.2", "S83.2", "S83.5", "M22.4", "M17.1")),
    "IMG-RM-LUM": (3, 5, 25, 75, .5, ("M51.1", "M54.4", "M48.0", "M51.2", "M47.8", "M43.1",
                                      "M54.1")),
    "IMG-RM-ENC": (3, 3, 18, 75, .55, ("G35", "G40.9", "D32.9", "C71.9", "G43.1", "D35.2",
                                       "E22.0")),
    "IMG-RM-HOM": (3, 2, 30, 70, .5, ("M75.1", "M75.0", "M75.5", "S43.4", "S46.0")),
    # level III — nuclear medicine
    "IMG-PETCT": (3, 1.5, 30, 80, .5, ("C34.1", "C81.9", "C85.9", "C18.9", "C50.9", "C43.9")),
    "IMG-GAM-OSEO": (3, 1.5, 40, 85, .5, ("C61", "C50.9", "C79.5", "C34.9")),
    "IMG-GAM-TIR": (3, 1, 20, 70, .8, ("E05.0", "E05.9", "E04.1", "E04.2")),
    "ONC-I131": (3, .5, 20, 70, .8, ("C73", "E05.0")),
    # level III — medical oncology, radiotherapy
    "ONC-QT-CICLO": (3, 3, 25, 80, .55, ("C50.9", "C18.9", "C34.1", "C16.9", "C56", "C81.9",
                                         "C20", "C25.9")),
    "ONC-TERAPIA-DIR": (3, 1, 30, 80, .55, ("C50.9", "C18.7", "C83.3", "C34.1")),
    "ONC-HORMONO": (3, 1.5, 35, 85, .6, ("C50.9", "C50.4", "C61", "C54.1")),
    "ONC-RT-SES": (3, 2, 25, 85, .55, ("C50.9", "C53.9", "C61", "C20", "C32.9", "C71.9",
                                       "C79.5")),
    "ONC-BRAQUI": (3, .5, 30, 80, .7, ("C53.9", "C53.0", "C54.1", "C61")),
    # level III — cardiology
    "IMG-ECOCARDIO": (3, 4, 18, 85, .5, ("I50.9", "I11.0", "I34.0", "I35.0", "I42.0", "R01.1",
                                         "I48")),
    "IMG-HOLTER": (3, 2, 18, 85, .5, ("I49.9", "I47.1", "R00.0", "R55", "I48", "I44.2")),
    "IMG-ANGIOTAC-COR": (3, 1, 40, 80, .35, ("I20.9", "I25.1", "R07.4", "I25.9")),
}

# Services performed in the emergency room before any authorization, and why.
EMERGENCY_DX: dict[str, tuple[str, ...]] = {
    "IMG-TAC-CRA": ("S06.0", "S06.9", "I64", "I61.9", "S02.0", "G41.9"),
    "IMG-TAC-ABD": ("K85.9", "K37", "R10.4"),
    "IMG-TAC-TOR": ("I26.9", "J93.9"),
    "END-PANEND": ("K92.0", "K92.2", "K92.1"),
    "END-CPRE": ("K83.0", "K80.5"),
}

# Share of each final state (every state gets at least one request when there are enough).
TARGET_WEIGHTS: dict[RequestStatus, float] = {
    S.USED: .28, S.AUTHORIZED: .20, S.IN_REVIEW: .13, S.REJECTED: .07, S.EXPIRED: .06,
    S.INFO_REQUESTED: .05, S.DRAFT: .05, S.CANCELLED: .05, S.REJECTED_FINAL: .04,
    S.PERFORMED_EMERGENCY: .04, S.IN_APPEAL: .03,
}
_TERMINAL_FREE = frozenset({S.USED, S.EXPIRED, S.REJECTED_FINAL, S.CANCELLED})

# --------------------------------------------------------------------------- texts

_ANTECEDENTS_YOUNG = (
    "obesidad grado {g} (IMC {imc})",
    "tabaquismo de {py_joven} paquetes-año",
    "hipotiroidismo en tratamiento sustitutivo",
    "asma en control con broncodilatador",
)
_ANTECEDENTS_ADULT = _ANTECEDENTS_YOUNG[:3] + (
    "diabetes mellitus tipo 2 de {n} años de diagnóstico",
    "hipertensión arterial sistémica en tratamiento",
    "dislipidemia en tratamiento con estatina",
    "enfermedad renal crónica estadio {erc}",
)
_NO_ANTECEDENTS = ("sin antecedentes crónico-degenerativos conocidos",
                   "sin antecedentes patológicos de importancia",
                   "sin comorbilidades conocidas")
_ANTECEDENTS_CHILD = (
    "producto de embarazo normoevolutivo",
    "con esquema de vacunación completo para la edad",
    "con antecedente de prematurez ({sdg} semanas de gestación)",
    "sin antecedentes perinatales de importancia",
)

_OPENINGS = (
    "{Sujeto} de {edad}, {antecedentes}, con diagnóstico de {dx} de {evol} de evolución.",
    "Se trata de {sujeto} de {edad}, {antecedentes}, que cursa con {dx} desde hace {evol}.",
    "{Sujeto} de {edad} en control en esta unidad por {dx} ({code}); {evol} de evolución, "
    "{antecedentes}.",
    "{Sujeto} de {edad}, {antecedentes}; impresión diagnóstica: {dx} ({code}), con {evol} "
    "de evolución.",
    "{Sujeto} de {edad} que acude a consulta por {dx} ({code}) de {evol} de evolución; "
    "{antecedentes}.",
)

# Justification sentences by clinical group (a service's group, else its specialty).
_GROUPS = {
    "IMG-MAM-DX": "MAMA", "IMG-US-MAM": "MAMA", "IMG-US-CAD-LAC": "CADERA_LACTANTE",
    "IMG-US-DOP-MI": "VENOSO",
    "IMG-US-DOP-CAR": "CAROTIDA", "IMG-DENSIT": "DENSITOMETRIA", "END-CPRE": "BILIAR",
    "LAB-PFH-ESP": "HEPATO", "LAB-CV-VHC": "HEPATO", "IMG-GAM-TIR": "TIROIDES",
    "ONC-I131": "TIROIDES", "PSI-INFANTIL": "PSICO_INF", "TER-ESTIM-TEMP": "DESARROLLO",
}
_CONTRAST = frozenset({"IMG-TAC-TOR", "IMG-TAC-ABD", "IMG-ANGIOTAC-COR"})
_CONTRAST_SENTENCE = ("Creatinina sérica de {cr} mg/dL el {fecha}; niega alergia a medios de "
                      "contraste.")

_FINDINGS: dict[str, tuple[str, ...]] = {
    "RADIO": (
        "Cuenta con radiografía simple del {fecha} sin hallazgos concluyentes.",
        "Recibió tratamiento médico durante {n} semanas sin mejoría clínica.",
        "Los estudios de primer nivel no permiten establecer el diagnóstico de certeza.",
        "Ha acudido {k} veces a consulta por el mismo motivo en los últimos {m} meses.",
        "Ultrasonido previo en la unidad con hallazgos inespecíficos que requieren "
        "complementarse.",
    ),
    "MAMA": (
        "A la exploración se palpa nódulo de {mm} mm en el cuadrante {cuadrante} de la mama "
        "{lado}.",
        "Mastografía de tamizaje del {fecha} con clasificación BI-RADS {birads}.",
        "Antecedente de cáncer de mama en un familiar de primer grado.",
        "Refiere mastalgia persistente de predominio {lado}.",
    ),
    "CADERA_LACTANTE": (
        "Asimetría de pliegues glúteos y limitación de la abducción de la cadera {lado}.",
        "Maniobras de Ortolani y Barlow dudosas en la exploración.",
        "Antecedente de presentación pélvica al nacimiento.",
        "Antecedente familiar de displasia del desarrollo de la cadera.",
    ),
    "VENOSO": (
        "Presenta edema vespertino y dolor en miembros pélvicos con várices visibles.",
        "Cambios de coloración y prurito en el tercio distal de la pierna {lado}.",
        "Ha usado medias de compresión durante {n} semanas sin mejoría.",
    ),
    "CAROTIDA": (
        "Soplo carotídeo {lado} a la auscultación.",
        "Refiere episodios transitorios de pérdida de fuerza o de visión en los últimos {m} "
        "meses.",
        "Factores de riesgo cardiovascular múltiples con control irregular.",
    ),
    "DENSITOMETRIA": (
        "Antecedente de fractura por fragilidad.",
        "Tratamiento crónico con esteroides sistémicos.",
        "Índice de masa corporal bajo ({imc_bajo}) y antecedente familiar de fractura de cadera.",
        "Radiografía de columna con disminución de la densidad ósea.",
    ),
    "GASTRO": (
        "Ha recibido inhibidor de bomba de protones a dosis plena durante {n} semanas sin "
        "control de los síntomas.",
        "Hemoglobina de {hb} g/dL el {fecha}, con sangre oculta en heces positiva.",
        "Pérdida de peso no intencionada de {kg} kg en {m} meses.",
        "Antecedente de cáncer del tubo digestivo en un familiar de primer grado.",
        "Presenta datos de alarma: {alarma}.",
    ),
    "BILIAR": (
        "Ultrasonido del {fecha} con dilatación de la vía biliar común de {vb} mm.",
        "Bilirrubina total de {bt} mg/dL con patrón colestásico.",
        "Fosfatasa alcalina elevada ({fa} U/L) en dos determinaciones.",
    ),
    "HEPATO": (
        "Pruebas de función hepática del {fecha} con ALT de {alt} U/L y AST de {ast} U/L.",
        "Ultrasonido de hígado y vías biliares del {fecha} con aumento de la ecogenicidad del "
        "parénquima.",
        "Prueba de tamizaje para hepatitis C reactiva.",
        "Antecedente de transfusión sanguínea en {anio}.",
    ),
    "CIRGEN": (
        "Ultrasonido del {fecha} que corrobora el diagnóstico.",
        "Ha presentado {k} cuadros de dolor en los últimos {m} meses, {u} de ellos atendidos "
        "en urgencias.",
        "Valoración preoperatoria con riesgo quirúrgico ASA {asa}; laboratorios dentro de "
        "parámetros normales.",
        "El padecimiento limita sus actividades laborales y de la vida diaria.",
        "El tratamiento conservador con analgésicos y medidas higiénico-dietéticas no ha "
        "resuelto el cuadro.",
    ),
    "ORTO": (
        "Radiografías del {fecha} con cambios degenerativos grado {kl} de Kellgren-Lawrence.",
        "Dolor con escala visual análoga de {eva}/10 pese a analgésicos y {n} sesiones de "
        "rehabilitación.",
        "Limitación de la movilidad con flexión de {flex}° y claudicación a los {mts} metros.",
        "Exploración con pruebas clínicas específicas positivas para la lesión descrita.",
        "Acumula {d} días de incapacidad temporal por el mismo padecimiento.",
    ),
    "MFR": (
        "Presenta limitación funcional con fuerza muscular de {f}/5 en el segmento afectado.",
        "Índice de Barthel de {barthel} puntos.",
        "Dolor con escala visual análoga de {eva}/10 que limita sus actividades de la vida "
        "diaria.",
        "Completó tratamiento analgésico y programa de ejercicios en casa sin mejoría "
        "suficiente.",
        "Arcos de movilidad disminuidos en {pct} % respecto al lado sano.",
    ),
    "DESARROLLO": (
        "Retraso en los hitos del desarrollo psicomotor para la edad.",
        "Valoración del desarrollo con puntaje bajo en el área motora gruesa.",
        "Hipotonía generalizada a la exploración neurológica.",
        "En seguimiento por pediatría, que recomienda intervención temprana.",
    ),
    "OFTALMO": (
        "Agudeza visual de {av} en el ojo afectado que no mejora con corrección.",
        "La lesión progresa pese a lubricantes oculares y protección solar.",
        "La disminución de la visión limita sus actividades cotidianas.",
        "Valoración oftalmológica previa que recomienda tratamiento quirúrgico.",
    ),
    "PSICO": (
        "Ha recibido seguimiento por medicina familiar y trabajo social sin mejoría del cuadro.",
        "El padecimiento afecta su desempeño {ambito}.",
        "Sin ideación suicida al momento de la valoración; cuenta con red de apoyo familiar.",
        "Puntuación de {escala} puntos en la escala aplicada en consulta.",
        "Lleva {n} semanas de tratamiento farmacológico con respuesta parcial.",
    ),
    "PSICO_INF": (
        "Reporte escolar con dificultades en el aprendizaje y en la conducta.",
        "Los padres refieren {sintoma_inf} desde hace {m} meses.",
        "Valoración pediátrica sin causa orgánica que explique el cuadro.",
        "Audiometría y agudeza visual normales.",
    ),
    "TIROIDES": (
        "TSH de {tsh} mUI/L con T4 libre de {t4} ng/dL el {fecha}.",
        "Ultrasonido tiroideo del {fecha} con nódulo de {mm} mm.",
        "Tratamiento con metimazol durante {m} meses sin control adecuado.",
        "Bocio palpable a la exploración física.",
    ),
    "MEDNUC": (
        "Estudios de imagen previos con hallazgos no concluyentes.",
        "Se requiere para definir el plan terapéutico en la sesión del comité de tumores.",
        "Marcadores tumorales en ascenso en los últimos {m} meses.",
        "Diagnóstico confirmado por histopatología el {fecha}.",
    ),
    "ONCO": (
        "Diagnóstico confirmado por histopatología el {fecha}; estadio clínico {ec}.",
        "Ha recibido {c} de {tc} ciclos programados con adecuada tolerancia.",
        "ECOG {ecog}; biometría hemática del {fecha} con neutrófilos de {neu}/µL.",
        "Esquema indicado por el oncólogo tratante conforme a la guía institucional.",
    ),
    "RADONC": (
        "Diagnóstico confirmado por histopatología; estadio clínico {ec}.",
        "Valorado en sesión del comité de tumores, que indica tratamiento con radioterapia.",
        "Se planea una dosis total de {gy} Gy en {fx} fracciones.",
        "Cirugía realizada el {fecha} con márgenes {margen}.",
    ),
    "CARDIO": (
        "Electrocardiograma del {fecha} con {ekg}.",
        "Refiere disnea de medianos esfuerzos (NYHA {nyha}).",
        "Tensión arterial de {sis}/{dia} mmHg en las últimas consultas.",
        "Ha presentado {k} episodios de palpitaciones en el último mes.",
        "Prueba de esfuerzo no concluyente por respuesta cronotrópica insuficiente.",
    ),
}

_GOALS: dict[str, tuple[str, ...]] = {
    "RADIO": ("precisar el diagnóstico y definir el tratamiento", "descartar lesión estructural",
              "valorar la extensión de la lesión", "normar la conducta terapéutica",
              "definir si es candidato a tratamiento quirúrgico"),
    "MAMA": ("descartar lesión maligna", "caracterizar el hallazgo y definir si requiere biopsia"),
    "CADERA_LACTANTE": ("descartar displasia del desarrollo de la cadera e iniciar tratamiento "
                        "oportuno", "tratar la displasia del desarrollo de la cadera"),
    "VENOSO": ("descartar trombosis venosa y valorar la insuficiencia venosa",
               "definir si es candidato a tratamiento quirúrgico"),
    "CAROTIDA": ("valorar el grado de estenosis carotídea", "normar la conducta terapéutica"),
    "DENSITOMETRIA": ("valorar el riesgo de fractura e iniciar tratamiento",
                      "confirmar el diagnóstico de osteoporosis"),
    "GASTRO": ("confirmar el diagnóstico con toma de biopsia", "descartar lesión orgánica",
               "dar vigilancia conforme a la guía de práctica clínica"),
    "BILIAR": ("resolver la obstrucción de la vía biliar", "precisar la causa de la colestasis"),
    "HEPATO": ("estadificar el daño hepático y definir el tratamiento",
               "confirmar el diagnóstico y valorar el inicio de tratamiento específico"),
    "CIRGEN": ("ofrecer tratamiento quirúrgico definitivo",
               "evitar complicaciones y reintegrarlo a sus actividades",
               "resolver el padecimiento de forma ambulatoria"),
    "ORTO": ("mejorar la función y controlar el dolor", "resolver quirúrgicamente la lesión",
             "recuperar la capacidad de marcha y la independencia"),
    "MFR": ("mejorar la funcionalidad y la independencia en las actividades de la vida diaria",
            "recuperar arcos de movilidad y fuerza muscular", "favorecer la reintegración laboral"),
    "DESARROLLO": ("favorecer la adquisición de los hitos del desarrollo",
                   "prevenir secuelas motoras"),
    "OFTALMO": ("recuperar la agudeza visual", "ofrecer tratamiento quirúrgico definitivo"),
    "PSICO": ("establecer un plan terapéutico especializado",
              "complementar el abordaje diagnóstico",
              "recibir evaluación y manejo especializados"),
    "PSICO_INF": ("recibir evaluación especializada del desarrollo y la conducta",
                  "establecer un plan terapéutico con la familia y la escuela"),
    "TIROIDES": ("definir la función del tejido tiroideo", "completar el tratamiento indicado por "
                 "endocrinología"),
    "MEDNUC": ("estadificar la enfermedad y definir el plan terapéutico",
               "valorar la actividad tumoral", "completar el abordaje diagnóstico"),
    "ONCO": ("continuar el esquema indicado por oncología médica",
             "recibir tratamiento sistémico conforme a la guía institucional"),
    "RADONC": ("lograr el control locorregional de la enfermedad",
               "recibir tratamiento con intención curativa", "controlar el dolor"),
    "CARDIO": ("estratificar el riesgo cardiovascular", "precisar el diagnóstico y ajustar el "
               "tratamiento", "valorar la función ventricular"),
}

_REQUESTS = (
    "Se solicita {svc} para {goal}.",
    "Se requiere {svc} a fin de {goal}.",
    "Por lo anterior, se envía para {svc} con el objetivo de {goal}.",
    "Se considera necesario realizar {svc} para {goal}.",
)

_CLOSINGS = (
    "No se cuenta con el servicio en la unidad solicitante.",
    "Se explica el procedimiento y se otorga consentimiento.",
    "Se anexa resumen clínico con los estudios previos.",
    "Sin contraindicaciones conocidas para el procedimiento.",
    "Se mantiene el tratamiento médico mientras se realiza.",
)

_STOCK_JUSTIFICATION = (
    "Paciente con padecimiento crónico que no ha mejorado con el tratamiento establecido en "
    "la unidad. Se solicita el servicio para complementar el abordaje diagnóstico y "
    "terapéutico."
)
_SHORT_JUSTIFICATIONS = ("Se solicita estudio.", "Control de paciente.", "Valoración especial.",
                         "Dolor crónico. Valorar.")

_EMERGENCY_REASONS = {
    "S06.0": "traumatismo craneoencefálico por caída de su propia altura",
    "S06.9": "traumatismo craneoencefálico en accidente de tránsito",
    "S02.0": "traumatismo craneoencefálico con hundimiento de la bóveda",
    "I64": "déficit neurológico de inicio súbito",
    "I61.9": "cefalea intensa súbita con deterioro del estado de alerta",
    "G41.9": "crisis convulsivas subintrantes",
    "K85.9": "dolor abdominal intenso en epigastrio irradiado en barra",
    "K37": "dolor abdominal en fosa iliaca derecha con fiebre",
    "R10.4": "dolor abdominal agudo de difícil control",
    "I26.9": "disnea súbita con dolor torácico y taquicardia",
    "J93.9": "dolor torácico y disnea de inicio súbito",
    "K92.0": "hematemesis con datos de bajo gasto",
    "K92.1": "melena con descenso de la hemoglobina",
    "K92.2": "sangrado de tubo digestivo con inestabilidad hemodinámica",
    "K83.0": "ictericia, fiebre y dolor en hipocondrio derecho",
    "K80.5": "ictericia obstructiva con dolor en hipocondrio derecho",
}
_EMERGENCY_TEXTS = (
    "{Sujeto} de {edad} que ingresa a urgencias el {fecha} a las {hora} h por {motivo}. "
    "Por {gravedad} se realizó {svc} de manera urgente, sin posibilidad de tramitar la "
    "autorización previa. {manejo}",
    "Ingresa a urgencias el {fecha} ({hora} h) {sujeto} de {edad} con {motivo}; "
    "{antecedentes}. Ante {gravedad} se efectuó {svc}. {manejo} Se presenta para "
    "autorización retroactiva.",
)
_SEVERITY = ("la gravedad del cuadro", "la inestabilidad clínica",
             "el riesgo inminente para la vida")
_MANAGEMENT = ("El estudio definió el ingreso a hospitalización.",
               "Con el resultado se solicitó valoración por cirugía general.",
               "Se estabilizó y continúa en observación.",
               "Se ingresó a terapia intermedia para vigilancia.")

_QUESTIONS = (
    "Anexe el resultado de los estudios previos realizados en primer nivel y su fecha.",
    "Indique el tratamiento recibido en primer nivel (fármaco, dosis y duración) y la respuesta.",
    "Describa los hallazgos de la exploración física que sustentan la solicitud.",
    "Se requiere nota de valoración previa por el servicio tratante para continuar el dictamen.",
    "Precise el tiempo de evolución y si hay datos de alarma.",
)
_QUESTIONS_BY_SPECIALTY = {
    "ONCO": "Anexe el reporte histopatológico y la estadificación actualizada.",
    "RADONC": "Anexe el reporte histopatológico y la nota del comité de tumores.",
    "ORTO": "Anexe radiografías recientes con su interpretación.",
    "CARDIO": "Anexe electrocardiograma reciente y la nota de la última consulta.",
}
_ANSWERS = (
    "Se anexan estudios del {fecha}, que confirman el diagnóstico.",
    "Recibió tratamiento durante {n} semanas sin respuesta; se anexa nota de evolución.",
    "Se anexa nota médica con la exploración física completa del {fecha}.",
    "Se anexa nota de valoración del {fecha} que recomienda el procedimiento.",
    "Evolución de {m} meses con progresión de los síntomas; se adjunta resumen clínico.",
)

_PREREQUISITES = {
    "RADIO": "radiografía simple y ultrasonido de la región", "GASTRO":
    "biometría hemática y pruebas de función hepática recientes", "ORTO":
    "radiografías en proyecciones AP y lateral", "MFR": "valoración por medicina física y "
    "rehabilitación", "CARDIO": "electrocardiograma y radiografía de tórax recientes", "ONCO":
    "reporte histopatológico definitivo", "RADONC": "reporte histopatológico definitivo",
    "MEDNUC": "perfil tiroideo o estudio de imagen previo", "PSICO":
    "valoración inicial por psicología de la unidad", "OFTALMO":
    "valoración de la agudeza visual con corrección", "CIRGEN": "ultrasonido que confirme el "
    "diagnóstico",
}
_REJECTIONS = {
    "R01": ("La justificación no describe hallazgos clínicos ni estudios previos que sustenten "
            "la indicación de {svc}; complemente y reenvíe.",
            "No se documenta el tratamiento previo en primer nivel ni su respuesta; la "
            "información es insuficiente para autorizar {svc}."),
    "R04": ("El cuadro descrito no cumple los criterios de referencia vigentes para {svc}; "
            "continúe el manejo en su unidad y reenvíe si persiste.",),
    "R05": ("Antes de autorizar {svc} se requiere {pre}; realícelo en su unidad y reenvíe con "
            "el resultado.",),
    "R06": ("El paciente no tiene vigencia de derechos en la fecha de la solicitud; regularice "
            "la vigencia en la subdelegación y reenvíe.",),
    "R07": ("El diagnóstico {code} no corresponde a la indicación habitual de {svc}; verifique "
            "el diagnóstico o el servicio solicitado.",),
    "R13": ("Se sugiere valoración presencial en la consulta externa de {esp} antes de "
            "decidir el procedimiento.",),
}
_REJECTION_REASONS = (("R01", 35), ("R05", 25), ("R04", 20), ("R07", 8), ("R13", 12))
_APPEAL_GROUNDS = (
    "Se anexa {doc}, elemento que no se consideró en el primer dictamen; el paciente persiste "
    "con síntomas que limitan sus actividades. Solicito reconsiderar la autorización.",
    "El paciente sí cumple los criterios de referencia: {criterio}. Se solicita revisar el "
    "dictamen.",
)
_APPEAL_GROUNDS_ELIGIBILITY = ("El paciente regularizó su vigencia de derechos el {fecha}; se "
                               "anexa la constancia. Se solicita reconsiderar el dictamen.")
_DOCUMENTS = ("nota de evolución con la exploración física detallada",
              "resultado de estudios de primer nivel realizados después de la solicitud",
              "valoración del servicio tratante que recomienda el procedimiento")
_CRITERIA = ("falla al tratamiento médico de más de tres meses", "progresión documentada de los "
             "síntomas", "riesgo de complicación si se difiere")
_APPEAL_GRANTED = ("Procede el recurso: con la información aportada se justifica la indicación "
                   "de {svc}. Se autoriza.", "Se revoca el dictamen inicial; la documentación anexa acredita "
                   "la indicación del servicio.")
_APPEAL_DENIED = ("Se confirma el dictamen inicial: la información aportada no modifica el "
                  "motivo del rechazo.", "No procede el recurso; persisten las razones del "
                  "primer dictamen y no se anexan elementos nuevos.")
_CANCEL_DRAFT = ("Solicitud elaborada por error; se capturó nuevamente.",
                 "Se duplicó la captura de la solicitud.")
_CANCEL_PENDING = ("El paciente decidió no realizarse el procedimiento.",
                   "El paciente fue atendido por urgencias y ya no requiere el servicio.",
                   "Cambio de adscripción del paciente a otra unidad.",
                   "Mejoría clínica con el tratamiento; ya no se requiere el servicio.")
_CANCEL_AUTHORIZATION = ("Paciente finado; se cancela a solicitud de la unidad.",
                         "El paciente cambió de adscripción a otra delegación.",
                         "Autorización emitida con datos erróneos; se elaborará una nueva.")
_APPROVAL_TEXTS = ("", "", "Procede conforme a criterios de referencia.",
                   "Se autoriza; la justificación es suficiente.",
                   "Autorizado. Se programa conforme a la agenda del servicio.")
_AREAS = {
    "RADIO": "Imagenología, planta baja", "GASTRO": "Unidad de Endoscopia", "CIRGEN":
    "Admisión de Cirugía Ambulatoria", "ORTO": "Consulta Externa de Ortopedia", "MFR":
    "Unidad de Medicina Física y Rehabilitación", "OFTALMO": "Consulta Externa de Oftalmología",
    "PSICO": "Psicología, consulta externa", "MEDNUC": "Medicina Nuclear", "ONCO":
    "Quimioterapia Ambulatoria", "RADONC": "Radioterapia, área de planeación", "CARDIO":
    "Gabinete de Cardiología",
}
_INDICATIONS = {
    "GASTRO": "Ayuno de 8 horas y preparación según las indicaciones entregadas.",
    "RADIO": "Ayuno de 6 horas si el estudio es contrastado.",
    "CIRGEN": "Presentarse en ayuno con sus estudios preoperatorios.",
    "ONCO": "Presentarse con biometría hemática del día previo.",
}


def _fill(template: str, values: dict[str, object]) -> str:
    return template.format(**values)


def _lower_first(text: str) -> str:
    word = text.split(" ", 1)[0]
    if len(word) > 1 and word.isupper():
        return text
    return text[:1].lower() + text[1:]


def _dotted(code: str) -> str:
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


def _compact(code: str) -> str:
    return code.replace(".", "").upper()


# --------------------------------------------------------------------------- time


def local_date(moment: datetime) -> date:
    """The clinic's calendar day of `moment` (the same rule as clock.today)."""
    return (moment.astimezone(UTC) - timedelta(hours=6)).date()


def _at_local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), MX).astimezone(UTC)


def _fmt(day: date) -> str:
    return f"{day:%d/%m/%Y}"


# --------------------------------------------------------------------------- plan records


@dataclass
class _Svc:
    id: int
    code: str
    name: str
    specialty: str
    specialty_id: int
    specialty_name: str
    validity: int
    sex: Sex | None
    min_age: int | None
    max_age: int | None
    level: int
    weight: float
    ages: tuple[int, int]
    female: float
    dx: tuple[str, ...]  # compact codes present in the catalog


@dataclass
class _Family:
    nss: str
    delegation: _Delegation
    umf: str
    titular_sex: Sex
    titular_birth: int
    paternal: str  # titular's first surname
    regime: str
    eligible_until: date
    taken: set[int] = field(default_factory=set)


@dataclass
class _Person:
    key: int
    family: _Family
    agregado: str
    first_name: str
    last_name: str
    second_last_name: str | None
    birth_date: date
    sex: Sex
    curp: str
    plans: int = 0
    patient_id: int | None = None

    @property
    def delegation(self) -> _Delegation:
        return self.family.delegation


@dataclass
class _Step:
    at: datetime
    action: str
    args: dict[str, object] = field(default_factory=dict)


@dataclass
class _Plan:
    index: int
    target: RequestStatus
    variant: str
    svc: _Svc
    person: _Person
    physician: str
    specialist: str
    appeals: str
    reception: str
    performing_unit: str
    dx: str
    priority: Priority
    justification: str
    steps: list[_Step]
    revision_of: _Plan | None = None
    performed_on: date | None = None
    request_id: int | None = None
    authorization_id: int | None = None
    revised: bool = False
    stopped: bool = False

    @property
    def start(self) -> datetime:
        return self.steps[0].at

    @property
    def end(self) -> datetime:
        return self.steps[-1].at


class _Timeline:
    """Builds the dated steps of one request, checking they fit before `now`."""

    def __init__(self, gen: _Generator, urgent: bool) -> None:
        self.gen = gen
        self.rng = gen.rng
        self.urgent = urgent
        self.steps: list[_Step] = []
        self.facts: dict[str, object] = {}

    @property
    def t(self) -> datetime:
        return self.steps[-1].at

    def add(self, action: str, at: datetime, **args: object) -> datetime:
        if self.steps and at <= self.t:
            at = self.t + timedelta(minutes=1)
        self.steps.append(_Step(at, action, dict(args)))
        return at

    def later(self, low: timedelta, high: timedelta, office: bool = True) -> datetime:
        moment = self.t + low + (high - low) * self.rng.random()
        return self.gen.office(moment) if office else moment

    def decision_delay(self) -> tuple[timedelta, timedelta]:
        if self.urgent:
            return timedelta(hours=2), timedelta(hours=60)
        r = self.rng.random()
        if r < 0.55:
            return timedelta(hours=3), timedelta(days=2)
        if r < 0.92:
            return timedelta(days=2), timedelta(days=6)
        return timedelta(days=6), timedelta(days=12)  # overdue: the service level is 7 days


# --------------------------------------------------------------------------- generator


class _Generator:
    def __init__(self, db: Database, requests: int, seed: int,
                 progress: Callable[[int, int], None] | None) -> None:
        self.db = db
        self.n = requests
        self.seed = seed
        self.progress = progress
        self.now = clock.now()
        self.today = local_date(self.now)
        self.summary = DemoSummary()
        self.warnings: Counter[str] = Counter()
        self.actors: dict[str, Actor] = {}
        self.physicians: dict[str, list[str]] = {}  # unit -> usernames
        self.emergency_physician: dict[str, str] = {}  # delegation -> username
        self.specialists: dict[tuple[str, str], list[str]] = {}  # (unit, specialty) -> users
        self.appeals: dict[str, list[str]] = {}
        self.reception: dict[str, list[str]] = {}
        self.admins: list[str] = []
        self.unit_ids: dict[str, int] = {}
        self.persons: list[_Person] = []
        self.families: list[_Family] = []
        self.pairs: dict[tuple[int, str], list[_Plan]] = {}
        self.plans: list[_Plan] = []
        self.rejected: list[_Plan] = []  # rejected plans a later plan may revise
        self.known_nss: set[str] = set()
        self.dx: dict[str, tuple[str, Sex | None, int | None, int | None]] = {}
        self.services: list[_Svc] = []
        self.done = 0
        self.total = requests

    # ----------------------------------------------------------------- helpers

    def office(self, moment: datetime) -> datetime:
        """Move `moment` into office hours (Mon–Fri 7:00–20:00 local)."""
        local = moment.astimezone(MX)
        if local.weekday() < 5 and 7 <= local.hour < 20:
            return moment
        day = local.date()
        if local.weekday() >= 5 or local.hour >= 20:
            day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return _at_local(day, 7) + timedelta(minutes=self.rng.randint(0, 150))

    def pick(self, weighted: Iterable[tuple[object, float]]):  # type: ignore[no-untyped-def]
        items = list(weighted)
        return self.rng.choices([i for i, _ in items], [w for _, w in items])[0]

    # ----------------------------------------------------------------- setup

    def run(self) -> DemoSummary:
        with self.db.session() as session:
            existing = session.scalar(select(func.count(Request.id))) or 0
            self.known_nss = set(session.scalars(select(Patient.nss)))
        run_seed = self.seed if existing == 0 else int.from_bytes(
            hashlib.sha256(f"{self.seed}:{existing}".encode()).digest()[:8], "big")
        self.rng = random.Random(run_seed)
        self.faker = Faker("es_MX")
        self.faker.seed_instance(run_seed)
        self._users()
        self._catalogs()
        if self.n > 0 and self.services:
            self._plan_all()
            self.total = len(self.plans)
            self._simulate(self.plans)
            self._top_up()
        self._finish()
        return self.summary

    def _users(self) -> None:
        names = Faker("es_MX")
        names.seed_instance(self.seed)
        rng = random.Random(self.seed)
        with self.db.session() as session:
            specialty_by_service = dict(session.execute(
                select(Service.code, Service.specialty_id)).all())
            specialty_code = dict(session.execute(
                select(Specialty.id, Specialty.code)).all())
        wanted: list[tuple[str, str, str, list[Role], str | None]] = []

        def person(title: bool) -> str:
            female = rng.random() < 0.5
            first = _first_name(names, female)
            full = f"{first} {names.last_name()} {names.last_name()}"
            return f"{'Dra.' if female else 'Dr.'} {full}" if title else full

        def slug(unit: str) -> str:
            return unit[2:].lower()

        by_level: dict[int, set[str]] = {2: set(), 3: set()}
        for code, (level, *_rest) in SERVICES.items():
            if code in specialty_by_service:
                by_level[level].add(specialty_code[specialty_by_service[code]])
        for deleg in DELEGATIONS:
            for unit, count in deleg.umfs:
                for i in range(count):
                    wanted.append((f"medico{i + 1 if i else ''}.{slug(unit)}", person(True), unit,
                                   [Role.PHYSICIAN], None))
                wanted.append((f"recepcion.{slug(unit)}", person(False), unit, [Role.RECEPTION],
                               None))
            for level, unit in ((2, deleg.hospital), (3, deleg.umae)):
                for spec in sorted(by_level[level]):
                    wanted.append((f"dictaminador.{slug(unit)}.{spec.lower()}", person(True), unit,
                                   [Role.SPECIALIST], spec))
                wanted.append((f"jefe.{slug(unit)}", person(True), unit, [Role.APPEALS], None))
                wanted.append((f"recepcion.{slug(unit)}", person(False), unit, [Role.RECEPTION],
                               None))
            wanted.append((f"medico.{slug(deleg.hospital)}", person(True), deleg.hospital,
                           [Role.PHYSICIAN], None))  # emergency room
        wanted.append((f"admin.{slug(ADMIN_UNIT)}", person(False), ADMIN_UNIT, [Role.ADMIN], None))
        licenses = {w[0]: str(rng.randint(1_000_000, 12_999_999)) for w in wanted}

        usernames = [w[0] for w in wanted]
        with self.db.session() as session:
            present = set(session.scalars(select(User.username).where(
                User.username.in_(usernames))))
        missing = [w for w in wanted if w[0] not in present]
        if missing:
            moment = self.office(self.now - timedelta(days=HISTORY_DAYS + 5))
            with clock.frozen_at(moment), self.db.transaction() as session:
                for username, full_name, unit, roles, spec in missing:
                    clinical = Role.ADMIN not in roles and Role.RECEPTION not in roles
                    user = add_user(session, None, username=username, full_name=full_name,
                                    password=DEMO_PASSWORD, unit_code=unit, roles=roles,
                                    specialty_code=spec,
                                    professional_license=licenses[username] if clinical else None)
                    # The IMSS staff number, derived from the name (the random stream is kept).
                    digest = int(hashlib.sha256(username.encode()).hexdigest(), 16)
                    assign_matricula(session, user, str(97_000_000 + digest % 2_999_999))
        self.summary.users_created = len(missing)

        with self.db.session() as session:
            users = session.scalars(select(User).where(User.username.in_(usernames),
                                                       User.active.is_(True))).all()
            unit_code = dict(session.execute(select(Unit.id, Unit.code)).all())
            for user in sorted(users, key=lambda u: usernames.index(u.username)):
                actor = Actor.from_user(user)
                self.actors[user.username] = actor
                unit = unit_code[user.unit_id]
                if Role.PHYSICIAN in actor.roles:
                    if user.username.startswith("medico.") and unit[2:5] in ("HGZ", "HGR"):
                        deleg = next(d for d in DELEGATIONS if d.hospital == unit)
                        self.emergency_physician[deleg.code] = user.username
                    else:
                        self.physicians.setdefault(unit, []).append(user.username)
                if Role.SPECIALIST in actor.roles and user.specialty_id is not None:
                    key = (unit, specialty_code[user.specialty_id])
                    self.specialists.setdefault(key, []).append(user.username)
                if Role.APPEALS in actor.roles:
                    self.appeals.setdefault(unit, []).append(user.username)
                if Role.RECEPTION in actor.roles:
                    self.reception.setdefault(unit, []).append(user.username)
                if Role.ADMIN in actor.roles:
                    self.admins.append(user.username)
        self.summary.users = len(self.actors)
        self.summary.example_users = [u for u in (
            f"medico.{slug(DELEGATIONS[0].umfs[0][0])}",
            f"dictaminador.{slug(DELEGATIONS[0].hospital)}.radio",
            f"recepcion.{slug(DELEGATIONS[0].hospital)}",
            f"jefe.{slug(DELEGATIONS[0].hospital)}", f"admin.{slug(ADMIN_UNIT)}",
        ) if u in self.actors]

    def _catalogs(self) -> None:
        codes = {_compact(c) for v in SERVICES.values() for c in v[5]}
        codes |= {_compact(c) for v in EMERGENCY_DX.values() for c in v}
        with self.db.session() as session:
            for d in session.scalars(select(Diagnosis).where(Diagnosis.code.in_(codes))):
                self.dx[d.code] = (d.description, d.sex, d.min_age, d.max_age)
            self.unit_ids = dict(session.execute(select(Unit.code, Unit.id)).all())
            rows = session.scalars(select(Service).where(Service.code.in_(list(SERVICES)))
                                   .order_by(Service.code)).all()
            by_code = {s.code: s for s in rows}
            for code, (level, weight, lo, hi, female, dx) in SERVICES.items():
                s = by_code.get(code)
                if s is None or not s.active or s.in_basic_catalog:
                    continue
                present = tuple(_compact(c) for c in dx if _compact(c) in self.dx)
                spec = s.specialty.code
                served = all(
                    self.specialists.get(((d.hospital if level == 2 else d.umae), spec))
                    and self.appeals.get(d.hospital if level == 2 else d.umae)
                    and self.reception.get(d.hospital if level == 2 else d.umae)
                    for d in DELEGATIONS)
                if not present or not served:
                    continue
                self.services.append(_Svc(
                    s.id, s.code, s.name, spec, s.specialty_id, s.specialty.name,
                    s.validity_days, s.sex, s.min_age, s.max_age, level, weight, (lo, hi),
                    female, present))
        if not all(self.physicians.get(u) for d in DELEGATIONS for u, _ in d.umfs):
            self.services = []  # the demo physicians are gone: nothing sensible to do

    # ----------------------------------------------------------------- people

    def _dx_fits(self, code: str, sex: Sex, age: int) -> bool:
        _desc, dsex, lo, hi = self.dx[code]
        return ((dsex is None or dsex == sex) and (lo is None or age >= lo)
                and (hi is None or age <= hi))

    def _fits(self, svc: _Svc, sex: Sex, birth: date, day: date,
              codes: tuple[str, ...] | None = None) -> list[str]:
        """The diagnoses that fit a patient of this sex and birth date on `day`."""
        if birth > day - timedelta(days=30):
            return []
        age = age_on(birth, day)
        if svc.sex is not None and svc.sex != sex:
            return []
        if (svc.min_age is not None and age < svc.min_age) or (
                svc.max_age is not None and age > svc.max_age):
            return []
        return [c for c in (codes or svc.dx) if self._dx_fits(c, sex, age)]

    def _new_person(self, svc: _Svc, day: date, codes: tuple[str, ...],
                    delegation: _Delegation | None) -> _Person | None:
        rng = self.rng
        for _ in range(30):
            sex = svc.sex or (Sex.FEMALE if rng.random() < svc.female else Sex.MALE)
            lo, hi = svc.ages
            lo = max(lo, svc.min_age or 0)
            hi = min(hi, svc.max_age if svc.max_age is not None else 110)
            if lo > hi:
                return None
            age = rng.randint(lo, hi)
            if age == 0:
                birth = day - timedelta(days=rng.randint(35, 330))
            else:
                birth = day - timedelta(days=int(age * 365.25) + rng.randint(1, 360))
            if self._fits(svc, sex, birth, day, codes):
                return self._make_person(sex, birth, delegation)
        return None

    def _make_person(self, sex: Sex, birth: date, delegation: _Delegation | None) -> _Person:
        rng, fk = self.rng, self.faker
        deleg = delegation or self.pick((d, d.weight) for d in DELEGATIONS)
        age_now = age_on(birth, self.today)
        family: _Family | None = None
        if age_now < 18:
            options = [f for f in self._some_families() if f.delegation is deleg
                       and 18 <= birth.year - f.titular_birth <= 45 and not {3, 4} <= f.taken]
            if options and rng.random() < 0.5:
                family = rng.choice(options)
            else:
                family = self._new_family(deleg, birth.year - rng.randint(20, 40), None)
            number = 3 if 3 not in family.taken else 4
            if family.titular_sex is Sex.MALE:
                last, second = family.paternal, fk.last_name()
            else:
                last, second = fk.last_name(), family.paternal
        elif rng.random() < 0.3:
            options = [f for f in self._some_families() if f.delegation is deleg
                       and 2 not in f.taken
                       and f.titular_sex is not sex and abs(f.titular_birth - birth.year) <= 12]
            if options and rng.random() < 0.6:
                family = rng.choice(options)
            else:
                other = Sex.MALE if sex is Sex.FEMALE else Sex.FEMALE
                family = self._new_family(deleg, birth.year + rng.randint(-6, 6), other)
            number = 2
            last, second = fk.last_name(), fk.last_name()
        else:
            last, second = fk.last_name(), fk.last_name()
            family = self._new_family(deleg, birth.year, sex, paternal=last)
            number = 1
        if rng.random() < 0.03:
            second = None  # one surname only
        family.taken.add(number)
        first = _first_name(fk, sex is Sex.FEMALE)
        person = _Person(
            key=len(self.persons), family=family,
            agregado=f"{number}{sex.value}{birth.year}{family.regime}",
            first_name=first, last_name=last, second_last_name=second,
            birth_date=birth, sex=sex,
            curp=self._curp(first, last, second, birth, sex, deleg))
        self.persons.append(person)
        return person

    def _some_families(self) -> list[_Family]:
        if len(self.families) <= 400:
            return self.families
        return self.rng.sample(self.families, 400)

    def _new_family(self, deleg: _Delegation, titular_birth: int, titular_sex: Sex | None,
                    paternal: str | None = None) -> _Family:
        rng = self.rng
        sex = titular_sex or (Sex.MALE if rng.random() < 0.55 else Sex.FEMALE)
        affiliation = min(titular_birth + rng.randint(17, 32), self.today.year)
        while True:
            nss = make_nss(rng.choice(deleg.subdelegations), affiliation, titular_birth,
                           rng.randint(0, 9999))
            if nss not in self.known_nss:
                break
        self.known_nss.add(nss)
        regime = "PE" if self.today.year - titular_birth >= 62 and rng.random() < 0.6 else "OR"
        if regime == "PE":
            eligible = self.today + timedelta(days=rng.randint(365, 1100))
        elif rng.random() < 0.08:
            eligible = self.today - timedelta(days=rng.randint(5, 200))
        else:
            eligible = self.today + timedelta(days=rng.randint(15, 400))
        umf = self.pick(deleg.umfs)
        family = _Family(nss, deleg, umf, sex, titular_birth, paternal or self.faker.last_name(),
                         regime, eligible)
        self.families.append(family)
        return family

    def _curp(self, first: str, last: str, second: str | None, birth: date, sex: Sex,
              deleg: _Delegation) -> str:
        rng = self.rng
        particles = {"DA", "DAS", "DE", "DEL", "DER", "DI", "DIE", "DD", "EL", "LA", "LOS", "LAS",
                     "LE", "LES", "MAC", "MC", "VAN", "VON", "Y"}

        def words(text: str | None) -> list[str]:
            if not text:
                return []
            plain = unicodedata.normalize("NFKD", text.upper().replace("Ñ", "X"))
            plain = "".join(c for c in plain if c.isascii() and (c.isalpha() or c == " "))
            parts = plain.split()
            return [w for w in parts if w not in particles] or parts

        def consonant(word: str) -> str:
            return next((c for c in word[1:] if c not in "AEIOU"), "X")

        s1 = (words(last) or ["X"])[0]
        s2 = (words(second) or [""])[0]
        given = words(first) or ["X"]
        compound = len(given) > 1 and given[0] in {"JOSE", "J", "MARIA", "MA", "M"}
        name = given[1] if compound else given[0]
        vowel = next((c for c in s1[1:] if c in "AEIOU"), "X")
        prefix = s1[0] + vowel + (s2[0] if s2 else "X") + name[0]
        inner = consonant(s1) + (consonant(s2) if s2 else "X") + consonant(name)
        state = self.pick(deleg.birth_states)
        homoclave = (str(rng.randint(0, 9)) if birth.year < 2000
                     else rng.choice("ABCDEFGHIJKLMNPQRSTUVWXYZ"))
        # RENAPO replaces the second letter of an inconvenient word with X.
        for candidate in (prefix, prefix[0] + "X" + prefix[2:], prefix[:3] + "X"):
            try:
                return make_curp(candidate, birth, sex, state, inner, homoclave)
            except ValidationError:
                continue
        return make_curp("XXXX", birth, sex, state, inner, homoclave)

    # ----------------------------------------------------------------- texts

    def _subject(self, person: _Person, day: date) -> tuple[str, str]:
        rng = self.rng
        age = age_on(person.birth_date, day)
        male = person.sex is Sex.MALE
        if age < 2:
            months = (day.year - person.birth_date.year) * 12 + day.month - person.birth_date.month
            months -= day.day < person.birth_date.day
            return f"Lactante {'masculino' if male else 'femenino'}", f"{max(months, 1)} meses"
        if age < 18:
            kind = "Preescolar" if age < 6 else "Escolar" if age < 12 else "Adolescente"
            return f"{kind} {'masculino' if male else 'femenino'}", f"{age} años"
        words = ("Paciente masculino", "Hombre", "Masculino") if male else (
            "Paciente femenina", "Mujer", "Femenino")
        return rng.choice(words), f"{age} años"

    def _antecedents(self, person: _Person, day: date) -> str:
        rng = self.rng
        values = self._numbers(day)
        age = age_on(person.birth_date, day)
        if age < 18:
            return _fill(rng.choice(_ANTECEDENTS_CHILD), values)
        if rng.random() < (0.5 if age < 40 else 0.25):
            return rng.choice(_NO_ANTECEDENTS)
        pool = _ANTECEDENTS_YOUNG if age < 40 else _ANTECEDENTS_ADULT
        chosen = rng.sample(pool, rng.choice((1, 1, 2)))
        items = [_fill(c, values) for c in chosen]
        if len(items) == 1:
            return f"con antecedente de {items[0]}"
        return f"con antecedentes de {items[0]} y {items[1]}"

    def _numbers(self, day: date) -> dict[str, object]:
        r = self.rng
        return {
            "n": r.randint(2, 16), "m": r.randint(2, 12), "k": r.randint(3, 9),
            "u": r.randint(1, 3),
            "g": r.choice(("I", "II")), "imc": f"{r.uniform(30.1, 39.8):.1f}",
            "py": r.randint(8, 40), "erc": r.choice(("2", "3a", "3b")),
            "sdg": r.randint(30, 36), "fecha": _fmt(day - timedelta(days=r.randint(5, 75))),
            "cr": f"{r.uniform(0.6, 1.3):.2f}", "hb": f"{r.uniform(8.1, 11.9):.1f}",
            "kg": r.randint(4, 12), "alt": r.randint(60, 240), "ast": r.randint(55, 210),
            "asa": r.choice(("I", "II", "II", "III")), "kl": r.choice(("III", "IV")),
            "eva": r.randint(6, 9), "flex": r.randint(60, 100),
            "mts": r.choice((50, 100, 200, 300)),
            "d": r.randint(21, 180), "f": r.randint(2, 4), "barthel": r.randint(35, 85),
            "pct": r.randint(25, 60),
            "av": r.choice(("20/200", "20/100", "20/80", "20/400", "cuenta dedos a 1 m")),
            "ambito": r.choice(("laboral", "escolar", "familiar y laboral")),
            "escala": r.randint(18, 31), "tsh": f"{r.uniform(0.01, 0.09):.2f}",
            "t4": f"{r.uniform(2.1, 4.8):.1f}", "ec": r.choice(("IIA", "IIB", "IIIA", "IIIB")),
            "c": r.randint(1, 4), "tc": r.choice((6, 6, 8)), "ecog": r.randint(0, 2),
            "neu": f"{r.randint(18, 52) * 100:,}", "gy": r.choice((40, 45, 50, 60, 66, 70)),
            "fx": r.choice((15, 20, 25, 28, 30, 33)), "margen": r.choice(("cercanos", "positivos")),
            "ekg": r.choice(("alteraciones inespecíficas de la repolarización",
                             "bloqueo de rama derecha del haz de His",
                             "extrasístoles ventriculares aisladas",
                             "ritmo sinusal sin alteraciones agudas")),
            "nyha": r.choice(("II", "III")), "sis": r.randint(130, 170), "dia": r.randint(80, 105),
            "py_joven": r.randint(2, 12), "mm": r.randint(8, 32),
            "cuadrante": r.choice(("superior externo", "superior interno", "inferior externo",
                                   "retroareolar")),
            "lado": r.choice(("derecha", "izquierda")), "birads": r.choice(("0", "3", "4A")),
            "alarma": r.choice(("disfagia progresiva", "vómito persistente", "anemia",
                                "pérdida de peso")),
            "vb": r.randint(9, 16), "bt": f"{r.uniform(2.5, 9.8):.1f}", "fa": r.randint(260, 720),
            "anio": r.randint(1975, 1995), "imc_bajo": f"{r.uniform(16.5, 19.4):.1f}",
            "sintoma_inf": r.choice(("inquietud motora y distracción", "retraso en el lenguaje",
                                     "dificultad para relacionarse con otros niños",
                                     "berrinches frecuentes y conducta desafiante")),
        }

    def _justification(self, plan_svc: _Svc, person: _Person, dx: str, day: date,
                       physician: str) -> str:
        rng = self.rng
        if physician == STOCK_PHYSICIAN and rng.random() < 0.15:
            return _STOCK_JUSTIFICATION
        group = _GROUPS.get(plan_svc.code, plan_svc.specialty)
        subject, age = self._subject(person, day)
        values = self._numbers(day)
        unit = rng.choice(("semanas", "meses", "meses", "años"))
        amount = {"semanas": rng.randint(3, 11), "meses": rng.randint(2, 18),
                  "años": rng.randint(1, 8)}[unit]
        values.update(Sujeto=subject, sujeto=_lower_first(subject), edad=age,
                      antecedentes=self._antecedents(person, day),
                      dx=_lower_first(self.dx[dx][0]), code=_dotted(dx),
                      evol=f"{amount} {unit}" if amount > 1 else "1 año",
                      svc=_lower_first(plan_svc.name), goal=rng.choice(_GOALS[group]))
        sentences = [_fill(rng.choice(_OPENINGS), values)]
        findings = _FINDINGS[group]
        picked = rng.sample(findings, rng.choice((1, 1, 2)))
        if plan_svc.code in _CONTRAST and rng.random() < 0.6:
            picked = [*picked[:1], _CONTRAST_SENTENCE]
        sentences += [_fill(f, values) for f in picked]
        sentences.append(_fill(rng.choice(_REQUESTS), values))
        if len(sentences) < 4 and rng.random() < 0.5:
            sentences.append(rng.choice(_CLOSINGS))
        return " ".join(sentences)

    def _emergency_justification(self, svc: _Svc, person: _Person, dx: str,
                                 performed: date) -> str:
        rng = self.rng
        subject, age = self._subject(person, performed)
        values = {"Sujeto": subject, "sujeto": _lower_first(subject), "edad": age,
                  "fecha": _fmt(performed),
                  "hora": f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
                  "motivo": _EMERGENCY_REASONS.get(_dotted(dx), _lower_first(self.dx[dx][0])),
                  "gravedad": rng.choice(_SEVERITY), "svc": _lower_first(svc.name),
                  "manejo": rng.choice(_MANAGEMENT),
                  "antecedentes": self._antecedents(person, performed)}
        return _fill(rng.choice(_EMERGENCY_TEXTS), values)

    # ----------------------------------------------------------------- planning

    def _allocate(self) -> list[RequestStatus]:
        n = self.n
        states = list(TARGET_WEIGHTS)
        if n < len(states):
            return self.rng.choices(states, [TARGET_WEIGHTS[s] for s in states], k=n)
        counts = {s: max(1, int(TARGET_WEIGHTS[s] * n)) for s in states}
        order = sorted(states, key=lambda s: -TARGET_WEIGHTS[s])
        i = 0
        while sum(counts.values()) < n:
            counts[order[i % len(order)]] += 1
            i += 1
        while sum(counts.values()) > n:
            s = max(order, key=lambda s: counts[s])
            counts[s] -= 1
        targets = [s for s in states for _ in range(counts[s])]
        self.rng.shuffle(targets)
        return targets

    def _plan_all(self) -> None:
        targets = self._allocate()
        rejected = sum(t in (S.REJECTED, S.REJECTED_FINAL) for t in targets)
        revisable = [i for i, t in enumerate(targets)
                     if t in (S.IN_REVIEW, S.AUTHORIZED, S.USED, S.DRAFT)]
        revisions = set(self.rng.sample(revisable, min(len(revisable), int(rejected * 0.4))))
        pending: list[int] = []
        for i, target in enumerate(targets):
            if i in revisions:
                pending.append(i)
                continue
            plan = self._build(i, target)
            if plan is not None:
                self.plans.append(plan)
                if target in (S.REJECTED, S.REJECTED_FINAL) and plan.variant != "emergency":
                    self.rejected.append(plan)
        for i in pending:
            plan = self._build_revision(i, targets[i]) or self._build(i, targets[i])
            if plan is not None:
                self.plans.append(plan)

    def _variant(self, target: RequestStatus) -> str:
        r = self.rng.random()
        if target in (S.AUTHORIZED, S.USED):
            return ("normal" if r < .74 else "info" if r < .86 else "emergency" if r < .94
                    else "appeal_granted")
        if target is S.EXPIRED:
            return "normal" if r < .85 else "info" if r < .95 else "appeal_granted"
        if target is S.IN_REVIEW:
            return "normal" if r < .88 else "emergency"
        if target is S.REJECTED:
            return "normal" if r < .85 else "info"
        if target is S.CANCELLED:
            return ("draft" if r < .25 else "in_review" if r < .6 else "info" if r < .75
                    or not self.admins else "authorized")
        if target is S.DRAFT:
            return "incomplete" if r < .4 else "normal"
        if target is S.PERFORMED_EMERGENCY:
            return "emergency"
        return "normal"

    def _start_window(self, target: RequestStatus, svc: _Svc) -> tuple[float, float] | None:
        """How many days ago a request that ends in `target` plausibly started."""
        return {
            S.DRAFT: (0.05, 30), S.PERFORMED_EMERGENCY: (0.02, 2.4), S.IN_REVIEW: (0.05, 10),
            S.INFO_REQUESTED: (1, 14), S.IN_APPEAL: (4, 28),
            S.AUTHORIZED: (0.2, min(svc.validity - 2, 120)),
            S.EXPIRED: ((svc.validity + 6, HISTORY_DAYS) if svc.validity + 6 < HISTORY_DAYS
                        else None),
        }.get(target, (3, HISTORY_DAYS))

    def _build(self, index: int, target: RequestStatus) -> _Plan | None:
        rng = self.rng
        for _attempt in range(40):
            variant = self._variant(target)
            emergency = variant == "emergency"
            pool = [s for s in self.services if not emergency or s.code in EMERGENCY_DX]
            svc = self.pick((s, s.weight) for s in pool)
            window = self._start_window(target, svc)
            if window is None:
                continue
            urgent = emergency or rng.random() < (0.3 if svc.specialty in ("ONCO", "RADONC")
                                                   else 0.08)
            tl = self._timeline(target, variant, svc, urgent, window)
            if tl is None:
                continue
            day = local_date(tl.steps[0].at)
            codes = tuple(_compact(c) for c in EMERGENCY_DX[svc.code]) if emergency else svc.dx
            found = self._choose_person(svc, day, codes, tl)
            if found is None:
                continue
            person, dx_options = found
            return self._finish_plan(index, target, variant, svc, person,
                                     rng.choice(dx_options), urgent, tl)
        return None

    def _choose_person(self, svc: _Svc, day: date, codes: tuple[str, ...],
                       tl: _Timeline) -> tuple[_Person, list[str]] | None:
        rng = self.rng
        start, end = tl.steps[0].at, tl.steps[-1].at
        want_new = len(self.persons) < 0.6 * (len(self.plans) + 1) or rng.random() < 0.2
        if not want_new:
            candidates: list[tuple[_Person, list[str]]] = []
            weights: list[float] = []
            lo, hi = svc.ages
            # A bounded random sample keeps planning linear for very large runs.
            pool = (self.persons if len(self.persons) <= 400
                    else rng.sample(self.persons, 400))
            for p in pool:
                if not lo - 5 <= age_on(p.birth_date, day) <= hi + 5:
                    continue  # possible, but not the patient this service usually sees
                options = self._fits(svc, p.sex, p.birth_date, day, codes)
                if not options:
                    continue
                earlier = self.pairs.get((p.key, svc.code), [])
                if earlier and not all(e.target in _TERMINAL_FREE and e.end < start
                                       for e in earlier):
                    continue
                if any(e.start < end and start < e.end for e in earlier):
                    continue
                candidates.append((p, options))
                weights.append((0.3 if earlier else 1.0) / (1 + p.plans) ** 2)
            if candidates:
                return rng.choices(candidates, weights)[0]
        person = self._new_person(svc, day, codes, None)
        if person is None:
            return None
        return person, self._fits(svc, person.sex, person.birth_date, day, codes)

    def _finish_plan(self, index: int, target: RequestStatus, variant: str, svc: _Svc,
                     person: _Person, dx: str, urgent: bool, tl: _Timeline,
                     revision_of: _Plan | None = None) -> _Plan:
        rng = self.rng
        deleg = person.delegation
        unit = deleg.hospital if svc.level == 2 else deleg.umae
        if revision_of is not None:
            physician = revision_of.physician
        elif variant == "emergency":
            physician = self.emergency_physician.get(deleg.code) or rng.choice(
                self.physicians[person.family.umf])
        else:
            physician = rng.choice(self.physicians[person.family.umf])
        day = local_date(tl.steps[0].at)
        performed = tl.facts.get("performed_on")
        if revision_of is not None:
            justification = revision_of.justification
        elif variant == "emergency":
            justification = self._emergency_justification(svc, person, dx, performed)  # type: ignore[arg-type]
        else:
            justification = self._justification(svc, person, dx, day, physician)
        plan = _Plan(
            index=index, target=target, variant=variant, svc=svc, person=person,
            physician=physician, specialist=rng.choice(self.specialists[(unit, svc.specialty)]),
            appeals=rng.choice(self.appeals[unit]), reception=rng.choice(self.reception[unit]),
            performing_unit=unit, dx=dx, priority=Priority.URGENT if urgent else Priority.ORDINARY,
            justification=justification, steps=tl.steps, revision_of=revision_of,
            performed_on=performed)  # type: ignore[arg-type]
        self._texts(plan, day)
        person.plans += 1
        self.pairs.setdefault((person.key, svc.code), []).append(plan)
        return plan

    def _texts(self, plan: _Plan, day: date) -> None:
        """Fill the free texts each step needs (questions, reasons, notes)."""
        rng = self.rng
        svc = plan.svc
        reason = self.pick(_REJECTION_REASONS)
        if plan.person.family.eligible_until < day and rng.random() < 0.7:
            reason = "R06"
        values = {"svc": _lower_first(svc.name), "code": _dotted(plan.dx),
                  "esp": svc.specialty_name.lower(), "pre": _PREREQUISITES[svc.specialty]}
        for step in plan.steps:
            a = step.action
            when = local_date(step.at)
            numbers = self._numbers(when)
            if a == "create" and step.args.get("incomplete"):
                if rng.random() < 0.5:
                    step.args["justification"] = rng.choice(_SHORT_JUSTIFICATIONS)
                else:
                    step.args["no_diagnosis"] = True
            elif a == "update":
                answer = _fill(rng.choice(_ANSWERS), numbers)
                step.args["justification"] = f"{plan.justification} Complemento: {answer}"
                plan.justification = str(step.args["justification"])
            elif a == "ask":
                question = rng.choice(_QUESTIONS)
                if svc.specialty in _QUESTIONS_BY_SPECIALTY and rng.random() < 0.5:
                    question = _QUESTIONS_BY_SPECIALTY[svc.specialty]
                step.args["question"] = _fill(question, values)
            elif a == "answer":
                step.args["answer"] = _fill(rng.choice(_ANSWERS), numbers)
            elif a == "approve":
                step.args["text"] = rng.choice(_APPROVAL_TEXTS)
                if rng.random() < 0.55:
                    step.args["note"] = self._note(svc, step.at, int(step.args["valid_until_days"]))
            elif a == "reject":
                step.args["reason"] = reason
                step.args["text"] = _fill(rng.choice(_REJECTIONS[reason]), values)
            elif a == "appeal":
                template = (_APPEAL_GROUNDS_ELIGIBILITY if reason == "R06"
                            else rng.choice(_APPEAL_GROUNDS))
                step.args["grounds"] = _fill(template, {
                    "doc": rng.choice(_DOCUMENTS), "criterio": rng.choice(_CRITERIA),
                    "fecha": _fmt(when - timedelta(days=rng.randint(0, 3)))})
            elif a == "decide_appeal":
                texts = _APPEAL_GRANTED if step.args["grant"] else _APPEAL_DENIED
                step.args["text"] = _fill(rng.choice(texts), values)
                step.args["reason"] = reason
            elif a == "cancel":
                texts = _CANCEL_DRAFT if plan.variant == "draft" else _CANCEL_PENDING
                step.args["reason"] = rng.choice(texts)
            elif a == "cancel_auth":
                step.args["reason"] = rng.choice(_CANCEL_AUTHORIZATION)

    def _note(self, svc: _Svc, decided: datetime, valid_days: int) -> str:
        rng = self.rng
        day = local_date(decided) + timedelta(days=rng.randint(2, max(2, min(valid_days - 1, 30))))
        while day.weekday() >= 5:
            day += timedelta(days=1)
        hour = f"{rng.randint(7, 14):02d}:{rng.choice(('00', '15', '30', '45'))}"
        text = f"Cita el {_fmt(day)} a las {hour} h en {_AREAS[svc.specialty]}."
        extra = _INDICATIONS.get(svc.specialty, "Presentarse 30 minutos antes con identificación "
                                                "oficial y este comprobante.")
        return f"{text} {extra}"

    def _build_revision(self, index: int, target: RequestStatus) -> _Plan | None:
        rng = self.rng
        tried = (rng.sample(self.rejected, min(12, len(self.rejected)))
                 if self.rejected else [])
        for old in (p for p in tried if not p.revised):
            for _ in range(4):
                start = self.office(old.end + timedelta(hours=rng.uniform(2, 240)))
                tl = self._timeline(target, "revision", old.svc, old.priority is Priority.URGENT,
                                    None, start=start)
                if tl is None:
                    continue
                day = local_date(start)
                if old.dx not in self._fits(old.svc, old.person.sex, old.person.birth_date, day):
                    break
                earlier = self.pairs.get((old.person.key, old.svc.code), [])
                if any(e is not old and e.start < tl.steps[-1].at and start < e.end
                       for e in earlier):
                    break
                old.revised = True
                return self._finish_plan(index, target, "revision", old.svc, old.person, old.dx,
                                         old.priority is Priority.URGENT, tl, revision_of=old)
        return None

    # ----------------------------------------------------------------- timelines

    def _timeline(self, target: RequestStatus, variant: str, svc: _Svc, urgent: bool,
                  window: tuple[float, float] | None, start: datetime | None = None
                  ) -> _Timeline | None:
        for _ in range(25 if start is None else 3):
            tl = _Timeline(self, urgent)
            if start is not None:
                t0 = start
            else:
                assert window is not None
                t0 = self.now - timedelta(days=self.rng.uniform(*window))
                if variant != "emergency":
                    t0 = self.office(t0)
            if self._chain(tl, target, variant, svc, t0) and self._fits_now(tl, target):
                return tl
        return None

    def _fits_now(self, tl: _Timeline, target: RequestStatus) -> bool:
        limit = self.now - timedelta(minutes=2)
        if tl.steps[-1].at > limit:
            return False
        recent = {S.DRAFT: 30, S.PERFORMED_EMERGENCY: 2.5, S.IN_REVIEW: 10,
                  S.INFO_REQUESTED: 14, S.IN_APPEAL: 21}.get(target)
        if recent is not None and tl.steps[-1].at < self.now - timedelta(days=recent):
            return False
        if target is S.AUTHORIZED:
            until = tl.facts.get("valid_until")
            return isinstance(until, date) and until >= self.today + timedelta(days=2)
        return True

    def _chain(self, tl: _Timeline, target: RequestStatus, variant: str, svc: _Svc,
               t0: datetime) -> bool:
        rng = self.rng
        # --- start: draft, emergency record or revision of a rejected request
        if variant == "emergency":
            performed = local_date(t0) - timedelta(days=rng.choice((0, 0, 0, 1, 1, 2)))
            tl.facts["performed_on"] = performed
            tl.add("emergency", t0)
            if target is S.PERFORMED_EMERGENCY:
                return True
            if rng.random() < 0.12:  # filed late: more than 72 hours after it was performed
                moment = _at_local(performed + timedelta(days=rng.randint(4, 6)),
                                   rng.randint(7, 18), rng.randint(0, 59))
            else:
                moment = tl.later(timedelta(minutes=20), timedelta(hours=40), office=False)
            tl.add("submit", moment)
        elif variant == "revision":
            tl.add("revise", t0)
            tl.add("update", tl.later(timedelta(minutes=5), timedelta(minutes=40)))
            if target is S.DRAFT:
                return True
            tl.add("submit", tl.later(timedelta(minutes=2), timedelta(minutes=20)))
        else:
            incomplete = variant == "incomplete"
            tl.add("create", t0, incomplete=incomplete)
            if target is S.DRAFT:
                if incomplete:
                    tl.add("submit", tl.later(timedelta(minutes=2), timedelta(minutes=30)),
                           expect_block=True)
                return True
            if target is S.CANCELLED and variant == "draft":
                tl.add("cancel", tl.later(timedelta(minutes=10), timedelta(days=5)))
                return True
            tl.add("submit", tl.later(timedelta(minutes=3), timedelta(minutes=45)))
        if target is S.IN_REVIEW:
            return True
        if target is S.CANCELLED and variant == "in_review":
            tl.add("cancel", tl.later(timedelta(days=1), timedelta(days=6)))
            return True
        # --- the specialist asks for information
        if variant == "info" or target is S.INFO_REQUESTED:
            tl.add("ask", tl.later(timedelta(hours=3), timedelta(days=3)))
            if target is S.INFO_REQUESTED:
                return True
            if target is S.CANCELLED:
                tl.add("cancel", tl.later(timedelta(days=1), timedelta(days=10)))
                return True
            tl.add("answer", tl.later(timedelta(hours=2), timedelta(days=4)))
        # --- first decision
        low, high = tl.decision_delay()
        decided = tl.later(low, high)
        if target in (S.REJECTED, S.IN_APPEAL, S.REJECTED_FINAL) or variant == "appeal_granted":
            rejected = tl.add("reject", decided)
            if target is S.REJECTED:
                return True
            appealed = tl.add("appeal", tl.later(timedelta(hours=4), timedelta(days=12)))
            if appealed - rejected >= timedelta(days=15) - timedelta(hours=1):
                return False
            if target is S.IN_APPEAL:
                return True
            grant = target is not S.REJECTED_FINAL
            decided = tl.add("decide_appeal", tl.later(timedelta(days=1), timedelta(days=9)),
                             grant=grant)
            if not grant:
                return True
        else:
            decided = tl.add("approve", decided)
        # --- the authorization: validity as the service computes it
        day = local_date(decided)
        performed = tl.facts.get("performed_on")
        begin = performed if isinstance(performed, date) else day
        valid_until = max(begin, day) + timedelta(days=svc.validity)
        tl.facts["valid_until"] = valid_until
        tl.steps[-1].args["valid_until_days"] = (valid_until - day).days
        if target is S.AUTHORIZED:
            return True
        if target is S.CANCELLED:
            tl.add("cancel_auth", tl.later(timedelta(days=1),
                                           timedelta(days=max(2, min(svc.validity - 1, 30)))))
            return local_date(tl.t) <= valid_until
        if target is S.USED:
            if variant == "emergency":
                used = tl.later(timedelta(minutes=15), timedelta(hours=20), office=False)
            else:
                last = max(2, min(svc.validity - 1, 45))
                used = tl.later(timedelta(days=1), timedelta(days=last))
            tl.add("use", used)
            return local_date(tl.t) <= valid_until
        if target is S.EXPIRED:
            tl.add("expire", _at_local(valid_until + timedelta(days=1), 6, rng.randint(0, 50)))
            return True
        return False

    # ----------------------------------------------------------------- replay

    def _simulate(self, plans: list[_Plan]) -> None:
        """Run every step of every plan through the services, in time order."""
        rng = self.rng
        queue: list[tuple[datetime, int, int, int]] = []  # (at, kind, plan position, step)
        first: dict[int, datetime] = {}
        for plan in plans:
            key = plan.person.key
            if plan.person.patient_id is None:
                first[key] = min(first.get(key, plan.start), plan.start)
        by_key = {p.key: p for p in self.persons}
        registrations: dict[int, tuple[datetime, str]] = {}
        for plan in sorted(plans, key=lambda p: p.start):
            key = plan.person.key
            if key in first and key not in registrations:
                if plan.variant == "emergency":
                    registrar = plan.physician
                else:
                    umf = plan.person.family.umf
                    registrar = (rng.choice(self.reception[umf]) if rng.random() < 0.7
                                 and self.reception.get(umf) else plan.physician)
                registrations[key] = (first[key] - timedelta(minutes=rng.randint(5, 90)), registrar)
        for key, (at, _registrar) in registrations.items():
            heapq.heappush(queue, (at, 0, key, 0))
        for pos, plan in enumerate(plans):
            heapq.heappush(queue, (plan.steps[0].at, 1, pos, 0))
        while queue:
            at, kind, pos, i = heapq.heappop(queue)
            if kind == 0:
                person = by_key[pos]
                self._register(person, registrations[pos][1], at)
                continue
            plan = plans[pos]
            if not plan.stopped:
                self._run_step(plan, plan.steps[i])
            if plan.stopped or i + 1 == len(plan.steps):
                self.done += 1
                if self.progress is not None:
                    self.progress(self.done, self.total)
            else:
                heapq.heappush(queue, (plan.steps[i + 1].at, 1, pos, i + 1))

    def _register(self, person: _Person, registrar: str, at: datetime) -> None:
        fam = person.family
        data = PatientData(
            nss=fam.nss, agregado=person.agregado, first_name=person.first_name,
            last_name=person.last_name, second_last_name=person.second_last_name,
            birth_date=person.birth_date, sex=person.sex, curp=person.curp,
            unit_id=self.unit_ids[fam.umf], eligible_until=fam.eligible_until)
        with clock.frozen_at(at), self.db.transaction() as session:
            patient = register_patient(session, self.actors[registrar], data)
            person.patient_id = patient.id
        self.summary.patients += 1

    def _run_step(self, plan: _Plan, step: _Step) -> None:
        try:
            with clock.frozen_at(step.at), self.db.transaction() as session:
                self._do(session, plan, step)
        except St2Error as exc:
            plan.stopped = True
            self.summary.problems.append(f"{plan.target.value}/{step.action}: {exc.message}")

    def _do(self, session, plan: _Plan, step: _Step) -> None:  # type: ignore[no-untyped-def]
        a, args = step.action, step.args
        physician = self.actors[plan.physician]
        specialist = self.actors[plan.specialist]
        if a in ("create", "emergency"):
            data = RequestData(
                patient_id=plan.person.patient_id, service_id=plan.svc.id,
                diagnosis_code=None if args.get("no_diagnosis") else _dotted(plan.dx),
                justification=str(args.get("justification", plan.justification)),
                performing_unit_id=self.unit_ids[plan.performing_unit], priority=plan.priority,
                performed_on=plan.performed_on if a == "emergency" else None)
            req = (requests.file_emergency(session, physician, data) if a == "emergency"
                   else requests.create_draft(session, physician, data))
            plan.request_id = req.id
            self.summary.requests += 1
        elif a == "revise":
            assert plan.revision_of is not None and plan.revision_of.request_id is not None
            req = requests.revise(session, physician, plan.revision_of.request_id)
            plan.request_id = req.id
            self.summary.requests += 1
        elif a == "update":
            requests.update_draft(session, physician, self._rid(plan),
                                  RequestData(justification=str(args["justification"])))
        elif a == "submit":
            result = requests.submit(session, physician, self._rid(plan))
            self.warnings.update(f.code for f in result.findings if not f.blocks)
            if not result.submitted:
                self.summary.blocked_submissions += 1
                plan.stopped = True
                if not args.get("expect_block"):
                    self.summary.problems.append(
                        f"{plan.target.value}/submit: " + "; ".join(
                            f.code for f in result.blocking))
        elif a == "ask":
            decisions.ask_information(session, specialist, self._rid(plan), str(args["question"]))
        elif a == "answer":
            requests.answer_information(session, physician, self._rid(plan), str(args["answer"]))
        elif a == "approve":
            auth = decisions.approve(session, specialist, self._rid(plan),
                                     scheduling_note=args.get("note"),  # type: ignore[arg-type]
                                     text=str(args.get("text", "")))
            plan.authorization_id = auth.id
        elif a == "reject":
            decisions.reject(session, specialist, self._rid(plan), str(args["reason"]),
                             str(args["text"]))
        elif a == "appeal":
            decisions.file_appeal(session, physician, self._rid(plan), str(args["grounds"]))
        elif a == "decide_appeal":
            grant = bool(args["grant"])
            decisions.decide_appeal(session, self.actors[plan.appeals], self._rid(plan),
                                    grant=grant, text=str(args["text"]),
                                    reason_code=None if grant else str(args["reason"]))
            if grant:
                plan.authorization_id = session.scalar(select(Authorization.id).where(
                    Authorization.request_id == plan.request_id))
        elif a == "use":
            assert plan.authorization_id is not None
            authorizations.record_use(session, self.actors[plan.reception], plan.authorization_id)
        elif a == "expire":
            authorizations.expire_due(session)
        elif a == "cancel":
            requests.cancel(session, physician, self._rid(plan), str(args["reason"]))
        elif a == "cancel_auth":
            assert plan.authorization_id is not None
            authorizations.cancel_authorization(session, self.actors[self.admins[0]],
                                                plan.authorization_id, str(args["reason"]))
        else:  # pragma: no cover - a typo in a plan
            raise AssertionError(a)

    @staticmethod
    def _rid(plan: _Plan) -> int:
        assert plan.request_id is not None
        return plan.request_id

    # ----------------------------------------------------------------- wrap-up

    def _statuses(self) -> Counter[RequestStatus]:
        ids = [p.request_id for p in self.plans if p.request_id is not None]
        found: Counter[RequestStatus] = Counter()
        with self.db.session() as session:
            for i in range(0, len(ids), 500):
                found.update(session.scalars(select(Request.status).where(
                    Request.id.in_(ids[i:i + 500]))))
        return found

    def _top_up(self) -> None:
        """If a plan went astray, add one request for each state still missing."""
        if self.n < len(TARGET_WEIGHTS):
            return
        missing = [s for s in TARGET_WEIGHTS if not self._statuses().get(s)]
        if not missing:
            return
        extra: list[_Plan] = []
        for target in missing:
            plan = self._build(len(self.plans) + len(extra), target)
            if plan is not None:
                extra.append(plan)
        self.total += len(extra)
        self.plans.extend(extra)
        self._simulate(extra)

    def _finish(self) -> None:
        counts = self._statuses()
        self.summary.by_status = {s: counts[s] for s in RequestStatus if counts.get(s)}
        self.summary.warnings = dict(sorted(self.warnings.items()))


def generate(db: Database, requests: int = 300, seed: int = 2026,
             progress: Callable[[int, int], None] | None = None) -> DemoSummary:
    """Fill `db` with demo users, patients and `requests` requests in every state.

    Needs the schema and the reference catalogs (``st2desk init``). Safe to run again:
    existing demo users are reused and new patients and requests are added.
    `progress(done, total)` is called after each request.
    """
    if requests < 0:
        raise ValidationError("El número de solicitudes no puede ser negativo.")
    return _Generator(db, requests, seed, progress).run()
