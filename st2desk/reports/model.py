"""The plain objects a report is made of: what to compute (`ReportFilter`, dimensions)
and what came out (`Report` of `Table`s of `Column`s and row tuples).

Tables are deliberately dumb — a tuple of typed columns and a list of row tuples with
raw values (ints, floats, fractions for rates, hours for durations, dates, aware UTC
datetimes, None when a figure has no data) — so a Qt item model, a matplotlib chart, the
CSV/XLSX writers and the PDF can all read them without knowing any SQL. Sorting a Qt
table sorts these raw values; `format_value` turns one into text for display.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from st2desk.errors import ValidationError
from st2desk.models import ServiceCategory

# Clinics work on Mexico's calendar day; the central zone has kept UTC-6 all year since
# 2022 (the same rule as `st2desk.clock.today`). Report periods and date ranges use it.
MEXICO = timezone(timedelta(hours=-6), "UTC-6")
MEXICO_OFFSET_HOURS = 6


class Dimension(enum.StrEnum):
    WEEK = "week"
    MONTH = "month"
    CATEGORY = "category"
    SPECIALTY = "specialty"
    UNIT = "unit"
    DELEGATION = "delegation"

    @property
    def is_period(self) -> bool:
        return self in (Dimension.WEEK, Dimension.MONTH)


DIMENSION_LABELS = {
    Dimension.WEEK: "semana",
    Dimension.MONTH: "mes",
    Dimension.CATEGORY: "categoría de servicio",
    Dimension.SPECIALTY: "especialidad",
    Dimension.UNIT: "unidad solicitante",
    Dimension.DELEGATION: "delegación",
}

CATEGORY_LABELS = {
    ServiceCategory.IMAGING: "Imagenología",
    ServiceCategory.LABORATORY: "Laboratorio especializado",
    ServiceCategory.ENDOSCOPY: "Endoscopía",
    ServiceCategory.AMBULATORY_SURGERY: "Cirugía ambulatoria",
    ServiceCategory.ONCOLOGY: "Oncología",
    ServiceCategory.PROSTHESIS: "Prótesis y órtesis",
    ServiceCategory.PSYCHOLOGY: "Psicología",
    ServiceCategory.COMPLEMENTARY_THERAPY: "Terapias complementarias",
}


def parse_dimensions(text: str | list[str] | tuple[str, ...]) -> tuple[Dimension, ...]:
    """``"month,specialty"`` → (MONTH, SPECIALTY); Spanish error naming the valid values."""
    items = text.split(",") if isinstance(text, str) else list(text)
    result: list[Dimension] = []
    for item in (i.strip().lower() for i in items):
        if not item:
            continue
        try:
            dim = Dimension(item)
        except ValueError:
            valid = ", ".join(d.value for d in Dimension)
            raise ValidationError(
                f"Desglose desconocido «{item}»; los valores válidos son: {valid}.",
                field="by") from None
        if dim not in result:
            result.append(dim)
    return tuple(result)


@dataclass(frozen=True)
class ReportFilter:
    """Which requests a report looks at. Dates are whole Mexico days, both included.

    `delegation`, `unit` (the requesting unit) and `specialty` are catalog codes,
    `category` a `ServiceCategory` value; None means all.
    """

    date_from: date
    date_to: date
    delegation: str | None = None
    unit: str | None = None
    specialty: str | None = None
    category: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.date_from, date) or not isinstance(self.date_to, date):
            raise ValidationError("Indique las fechas inicial y final del reporte.")
        if isinstance(self.date_from, datetime) or isinstance(self.date_to, datetime):
            raise ValidationError("Las fechas del reporte son días, sin hora.")
        if self.date_to < self.date_from:
            raise ValidationError(
                f"La fecha final ({self.date_to:%d/%m/%Y}) es anterior a la inicial "
                f"({self.date_from:%d/%m/%Y}).", field="date_to")
        for name in ("delegation", "unit", "specialty", "category"):
            value = getattr(self, name)
            if value is not None:
                value = value.strip()
                value = (value.lower() if name == "category" else value.upper()) or None
                if name == "delegation" and value and value.isdigit():
                    value = value.zfill(2)
                object.__setattr__(self, name, value)

    @property
    def start(self) -> datetime:
        """First instant of `date_from` in Mexico, as aware UTC."""
        return datetime.combine(self.date_from, time(), MEXICO).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """First instant after `date_to` in Mexico (exclusive bound), as aware UTC."""
        return datetime.combine(self.date_to + timedelta(days=1), time(), MEXICO).astimezone(UTC)

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1


ColumnKind = str  # "text" | "int" | "rate" | "hours" | "days" | "date" | "datetime" | "float"


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: ColumnKind = "int"
    help: str = ""

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "rate", "hours", "days", "float")


@dataclass
class Table:
    """One figure as a table: typed columns and rows of raw values."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    note: str = ""
    vertical: bool = False  # a single record best shown as label/value pairs (the summary)
    key_columns: int = 0  # how many leading columns identify the row (the group)

    def index(self, name: str) -> int:
        for i, col in enumerate(self.columns):
            if col.name == name:
                return i
        raise KeyError(name)

    def column(self, name: str) -> Column:
        return self.columns[self.index(name)]

    def values(self, name: str) -> list[Any]:
        i = self.index(name)
        return [row[i] for row in self.rows]

    def dicts(self) -> list[dict[str, Any]]:
        names = [c.name for c in self.columns]
        return [dict(zip(names, row, strict=True)) for row in self.rows]

    def find(self, **key: Any) -> dict[str, Any] | None:
        """The first row (as a dict) whose columns equal `key`, e.g. find(specialty="RADIO")."""
        for row in self.dicts():
            if all(row.get(k) == v for k, v in key.items()):
                return row
        return None

    def record(self) -> dict[str, Any]:
        """The single row of a vertical table as a dict."""
        return self.dicts()[0] if self.rows else {}

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class Report:
    """Everything `st2desk report` writes and the Reports section shows."""

    filter: ReportFilter
    by: tuple[Dimension, ...]
    generated_at: datetime  # aware UTC
    as_of: datetime  # the moment of the snapshot figures (backlog, overdue), aware UTC
    scope: list[tuple[str, str]]  # human-readable filter lines (label, value)
    tables: dict[str, Table]

    def table(self, name: str) -> Table:
        return self.tables[name]

    @property
    def summary(self) -> dict[str, Any]:
        return self.tables["summary"].record()


# --------------------------------------------------------------------------- formatting


def to_mexico(moment: datetime) -> datetime:
    return moment.astimezone(MEXICO)


def format_value(kind: ColumnKind, value: Any, *, empty: str = "—") -> str:
    """Display text of a raw value (Mexican conventions: 1,234.5; dd/mm/aaaa; UTC-6)."""
    if value is None:
        return empty
    if kind == "int":
        return f"{int(value):,}"
    if kind == "rate":
        return f"{value * 100:.1f} %"
    if kind in ("hours", "days", "float"):
        return f"{value:,.1f}"
    if kind == "date":
        return value.strftime("%d/%m/%Y")
    if kind == "datetime":
        return to_mexico(value).strftime("%d/%m/%Y %H:%M")
    return str(value)


# --------------------------------------------------------------------------- definitions

PERCENTILE_NOTE = (
    "Mediana y percentil 90 por rango más cercano: con n valores ordenados de menor a "
    "mayor, el percentil p es el valor en la posición ⌈p·n/100⌉ (mediana: posición "
    "⌈n/2⌉, es decir, la mediana inferior cuando n es par; p90: ⌈9n/10⌉). Se calcula en "
    "la base de datos, igual en SQLite y PostgreSQL.")

DEFINITIONS: list[tuple[str, str]] = [
    # The one statement of what each figure means: the CSV (section and
    # .definiciones.txt), the XLSX ("Definiciones" sheet), the PDF (last page) and the
    # GUI all print this list.
    ("Periodo y días",
     "Cada hecho cuenta en el día de calendario de la zona horaria de su unidad "
     "solicitante (Baja California: America/Tijuana; Sonora: America/Hermosillo; Chihuahua: "
     "America/Chihuahua o America/Ciudad_Juarez; Baja California Sur, Sinaloa y Nayarit: "
     "America/Mazatlan; Quintana Roo: America/Cancun; el resto: America/Mexico_City). «Del "
     "1 al 31» incluye ambos días completos. Las semanas son ISO (de lunes a domingo) y se "
     "nombran por su lunes; los meses, de calendario."),
    ("Corte",
     "Las cifras «al corte» (pendientes, rezago, fuera de plazo, urgencias sin presentar, "
     "cancelaciones y resultados finales) describen el momento de corte: el fin del último "
     "día del periodo (medianoche del centro de México), o el momento del reporte si el "
     "periodo aún no termina. Se reconstruyen con las fechas de cada evento (envío, "
     "solicitudes de información y respuestas, dictámenes, cancelación, recurso presentado "
     "y resuelto), no con el estado actual."),
    ("Solicitudes",
     "Solicitudes enviadas a revisión (fecha de envío) en el periodo. Los borradores no "
     "enviados no cuentan. Una revisión de una solicitud rechazada es una solicitud nueva. "
     "La delegación es la de la unidad solicitante. Canceladas: de las enviadas en el "
     "periodo, las que el médico retiró antes de cualquier dictamen, hasta el corte; siguen "
     "contando en «Solicitudes»."),
    ("Urgentes",
     "Solicitudes con prioridad urgente (plazo 72 h). Incluyen las urgencias realizadas "
     "antes de la autorización y presentadas después del servicio, que además se cuentan "
     "en «Urgencias presentadas»; las métricas públicas las muestran aparte."),
    ("Dictámenes y tasas",
     "Cada dictamen cuenta en la fecha en que se emitió. Aprobación y rechazo (primer "
     "dictamen): proporción de primeros dictámenes del médico dictaminador emitidos en el "
     "periodo que aprobaron o rechazaron; las revisiones cuentan como solicitudes nuevas. "
     "Aprobación final: de esos mismos primeros dictámenes, proporción con resultado "
     "autorizado al corte (aprobadas en primer dictamen más rechazadas y luego autorizadas "
     "por recurso). Aprobadas tras recurso (por fecha de resolución): de los recursos de "
     "revisión resueltos en el periodo, proporción que revocó el rechazo y autorizó."),
    ("Tiempo a dictamen",
     "Del envío al primer dictamen, en horas, sin contar el tiempo en que el reloj estuvo "
     "detenido por una solicitud de información. Ese tiempo se obtiene del vencimiento: el "
     "sistema recorre la fecha límite exactamente lo que duró cada pausa, así que "
     "tiempo = dictamen − (vencimiento − plazo), con plazo de 72 h (urgente) o 7 días "
     "(ordinaria). Se informa por separado para urgentes y ordinarias: número, media, "
     "mediana y percentil 90. " + PERCENTILE_NOTE),
    ("Fuera de plazo",
     "Dictaminadas fuera de plazo: primer dictamen posterior al vencimiento. Pendiente "
     "vencida al corte: su tiempo de reloj (sin pausas) ya superaba el plazo; si estaba en "
     "espera de información, el retraso queda congelado en el momento de la pregunta. Un "
     "recurso sin resolver vence en el plazo de la prioridad de su solicitud (72 h o 7 "
     "días) contado desde que se presentó. La lista muestra las más atrasadas primero "
     "(más horas de retraso)."),
    ("Rezago por especialidad",
     "Solicitudes pendientes al corte, enviadas antes del corte sin importar la fecha "
     "inicial: en revisión o en espera de información (sin primer dictamen ni cancelación "
     "antes del corte), o con un recurso presentado y no resuelto antes del corte. "
     "Ordenadas por la antigüedad de la pendiente más antigua."),
    ("Duplicados",
     "Hallazgos de la revisión automática con código duplicate.* en cada intento de envío "
     "del periodo, también los que bloquearon un envío que después se corrigió y se volvió "
     "a enviar: solicitud en trámite o autorización vigente para el mismo paciente y "
     "servicio (bloquean el envío) y servicio repetido dentro de su ventana (advertencia). "
     "La fila «total» cuenta cada solicitud una vez."),
    ("Médicos muy por encima de sus pares",
     "Pares: médicos solicitantes con al menos una solicitud en el periodo (dentro de los "
     "filtros) cuya unidad es del mismo tipo (UMF, HGZ, HGR, UMAE). Mediana de pares: la "
     "mediana inferior (posición ⌈n/2⌉ de las solicitudes ordenadas) cuando n es par. Se "
     "señala al médico cuyas solicitudes en el periodo son al menos 3 veces esa mediana, "
     "con un mínimo de 10 solicitudes y de 5 pares. La tasa se informa por semana."),
    ("Urgencias",
     "Urgencias realizadas antes de la autorización y presentadas (enviadas) en el periodo; "
     "presentadas tarde: enviadas más de 72 horas (más de 3 días) después del día en que se "
     "realizaron. Cada una está en un solo estado al corte: autorizada (en primer dictamen "
     "o por recurso), rechazada (sin recurso pendiente), pendiente (en revisión, en espera "
     "de información o en recurso) o cancelada; la suma es «Presentadas». Sin presentar: "
     "registradas antes del corte y aún no enviadas en ese momento."),
    ("Métricas públicas (estilo CMS-0057-F)",
     "Por tipo de solicitud: ordinarias (estándar), urgentes (expeditas) y, aparte, las "
     "urgencias presentadas después del servicio. Sobre los primeros dictámenes emitidos en "
     "el periodo: % aprobadas, % rechazadas, % aprobadas tras recurso (rechazadas y luego "
     "autorizadas por recurso hasta el corte), % con prórroga y aprobadas (el plazo se amplió "
     "por al menos una solicitud de información y el primer dictamen aprobó), y media y "
     "mediana del tiempo del envío al dictamen: transcurrido (calendario, pausas incluidas, "
     "como lo define CMS) y de reloj (sin pausas, el de st2desk). Todos los porcentajes "
     "tienen por denominador las solicitudes con dictamen de su fila."),
]


# The filters both databases' report facts carry (`sqlite_facts`, `pg_facts`).
FACT_FILTERS = ("delegation_id", "unit_id", "specialty_id", "category")


def facts_where(day: str, scope: Any, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """``WHERE`` text on the facts: the day column `day` between ``:day_from`` and
    ``:day_to``, and each of `FACT_FILTERS` that `scope` sets (its value added to `params`)."""
    conds = [f"{day} BETWEEN :day_from AND :day_to"]
    for column in FACT_FILTERS:
        value = getattr(scope, column)
        if value is not None:
            conds.append(f"{column} = :{column}")
            params[column] = value
    return " AND ".join(conds), params
