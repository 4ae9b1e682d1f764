"""Command line of st2desk (DESIGN §4.1). Every command exits non-zero with one line on bad input."""

from __future__ import annotations

import argparse
import getpass
import importlib
import os
import sys
import unicodedata
from collections.abc import Callable, Sequence

from st2desk import __version__, config, tempfiles
from st2desk.db import Database
from st2desk.errors import St2Error, StorageUnavailable

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


# Each module has `register(subparsers)`; its commands use `database(args)` and `CliError`.
COMMAND_MODULES: tuple[str, ...] = ("st2desk.cli_paper", "st2desk.cli_reports", "st2desk.cli_sites")


class CliError(Exception):
    """A one-line message for the user; the command exits with `code`."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


# argparse's own messages are English; these are the ones an operator meets.
_ARGPARSE_SPANISH = (
    ("unrecognized arguments:", "argumentos no reconocidos:"),
    ("the following arguments are required:", "faltan los argumentos:"),
    ("invalid choice:", "opción no válida:"),
    ("choose from", "elija entre"),
    ("expected one argument", "falta su valor"),
    ("invalid int value:", "no es un número entero:"),
    ("not allowed with argument", "no se puede usar junto con"),
    ("argument ", "opción "),
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, Spanish prefix, exit 2
        for english, spanish in _ARGPARSE_SPANISH:
            message = message.replace(english, spanish)
        raise CliError(f"uso incorrecto: {message} (vea «st2desk --help»)")


MAX_ID = 2**31 - 1  # an id or count beyond this fits no database integer column


def int_arg(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: an integer from `low` to `high`, refused in Spanish otherwise."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"«{text[:40]}» no es un número entero") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"«{text[:40]}» debe estar entre {low} y {high}")
        return value

    return parse


def database(args: argparse.Namespace, *, owner: bool = False, person: bool = True) -> Database:
    """The database, with the person acting signed in as `args.actor` (DESIGN §7.1: no
    implicit administrator). `owner`: the command is the owning account's (init, demo);
    `person=False`: the caller decides who acts (user add's bootstrap)."""
    from st2desk import cli_auth

    db = Database(args.database)
    for path in db.fixed_permissions:
        print(f"st2desk: aviso: {path} era legible por otras cuentas de este equipo; ahora solo "
              "su dueño puede leerlo (0600).", file=sys.stderr)
    try:
        if not db.is_sqlite:  # PostgreSQL: the login is the person (libpq's conventions)
            cli_auth.connect(db, getattr(args, "user", None))
        if owner and not cli_auth.is_owner(db):
            raise CliError("este comando es de la cuenta dueña de la base de datos (la que "
                           "ejecutó «st2desk init»), no de un usuario de st2desk")
        if person and not owner:
            require_schema(db)
            args.actor = cli_auth.sign_in(db, getattr(args, "user", None))
            # "Today" and the times a command prints are the person's unit's, as at the
            # desk (issue 13, item 1); a record's own dates follow its own unit.
            from st2desk import clock

            clock.set_zone(args.actor.time_zone)
    except cli_auth.NotSignedIn as exc:
        raise CliError(str(exc)) from None
    return db


def require_admin(db: Database, actor: object) -> None:
    from st2desk.models import Role
    from st2desk.services.common import require_role

    with db.session() as session:
        require_role(session, actor, Role.ADMIN, "usar este comando")  # type: ignore[arg-type]


def require_schema(db: Database) -> None:
    from sqlalchemy import inspect

    if not inspect(db.engine).has_table("alembic_version"):
        raise CliError("la base de datos no está inicializada: ejecute «st2desk init» primero")


# --------------------------------------------------------------------------- commands


def cmd_init(args: argparse.Namespace) -> int:
    from st2desk.catalogs import load_reference_data

    db = database(args, owner=True)
    db.upgrade()
    with db.transaction() as session:
        report = load_reference_data(session)
    print(f"Base de datos lista ({_safe_url(db)}): {report.added} registros de catálogo nuevos, "
          f"{report.updated} actualizados.")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    if args.requests < 0 or args.requests > 200_000:
        raise CliError("--requests debe estar entre 0 y 200000")
    from st2desk.catalogs import load_reference_data
    from st2desk.demo import DEMO_PASSWORD, generate

    db = database(args, owner=True)
    db.upgrade()
    with db.transaction() as session:
        load_reference_data(session)
    summary = generate(db, requests=args.requests, seed=args.seed,
                       progress=None if args.quiet else _progress)
    print(f"\nDatos de demostración: {summary}. Contraseña de todos los usuarios demo: "
          f"«{DEMO_PASSWORD}».")
    return EXIT_OK


def _progress(done: int, total: int) -> None:
    print(f"\r{done}/{total} solicitudes", end="", file=sys.stderr, flush=True)


def cmd_user_add(args: argparse.Namespace) -> int:
    from st2desk import cli_auth
    from st2desk.services.users import add_user, assign_matricula

    if args.user:
        db = database(args)
        actor = args.actor
    else:  # bootstrap: the owning account names the first administrator (DESIGN §7.1)
        db = database(args, person=False)
        require_schema(db)
        if cli_auth.has_administrator(db) or not cli_auth.is_owner(db):
            raise CliError("indique quién crea la cuenta con --user ADMINISTRADOR (su contraseña "
                           "primero, luego la del usuario nuevo)")
        if "admin" not in args.role:
            raise CliError("la base aún no tiene administrador: la primera cuenta que crea su "
                           "dueño es la de un administrador (--role admin)")
        actor = None
    password = _read_password()
    with db.transaction() as session:
        user = add_user(session, actor, username=args.username, full_name=args.name,
                        password=password, unit_code=args.unit, roles=args.role,
                        specialty_code=args.specialty, professional_license=args.license)
        if args.matricula:
            assign_matricula(session, user, args.matricula)
        roles = ", ".join(sorted(r.value for r in user.roles))
    print(f"Usuario «{user.username}» creado ({roles}).")
    return EXIT_OK


def _read_password() -> str:
    """The new user's password: asked twice on a terminal, else the next line of input."""
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass("Contraseña del usuario nuevo: ")
        if getpass.getpass("Repita la contraseña: ") != first:
            raise CliError("las contraseñas no coinciden")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    password = line.rstrip("\r\n")
    if not password:
        raise CliError("escriba la contraseña del usuario nuevo en la entrada estándar (una línea)")
    return password


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from st2desk import audit

    db = database(args)
    require_admin(db, args.actor)
    with db.session() as session:
        report = audit.verify(session)
    if report.ok:
        anchor = (f"; anclada hasta el evento {report.anchored_seq} por {report.checkpoints} "
                  "puntos de control firmados" if report.checkpoints else
                  "; sin puntos de control firmados todavía")
        print(f"Bitácora íntegra: {report.events} eventos verificados{anchor}.")
        return EXIT_OK
    print(f"st2desk: bitácora alterada: el primer enlace roto es el evento {report.first_broken_seq} "
          f"({report.reason}).", file=sys.stderr)
    return EXIT_FAILED


def cmd_expire(args: argparse.Namespace) -> int:
    from st2desk.services.authorizations import expire_due

    db = database(args)
    with db.transaction() as session:
        count = expire_due(session, args.actor)
    print(f"Autorizaciones vencidas hoy: {count}.")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from st2desk import backup

    backup.sqlite_path(args.database or config.database_url())  # PostgreSQL: explain pg_dump first
    db = database(args)
    require_admin(db, args.actor)
    from st2desk import audit
    from st2desk.outputs import check_target

    check_target(Path(args.file))  # before anything is recorded (DESIGN §7.4)
    with db.transaction() as session:  # the backup carries a signed head (DESIGN §7.3)
        audit.checkpoint(session, "respaldo")
    db.dispose()
    show = sys.stderr is not None and sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        print(f"\rRespaldo: {100 * done // total} %", end="\n" if done >= total else "",
              file=sys.stderr, flush=True)

    pages = backup.backup(db.url, Path(args.file), progress=progress if show else None)
    print(f"Respaldo escrito en {args.file} ({pages} páginas).")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from st2desk import backup, cli_auth

    if args.counters_from:
        db = database(args, owner=True)
        if db.is_sqlite:
            raise CliError("--counters-from es para PostgreSQL; en SQLite «st2desk restore "
                           "ARCHIVO» ya mueve los contadores")
        require_schema(db)
        moved = backup.raise_counters(db, Database(args.counters_from))
        print(f"Contadores movidos: {len(moved)}" + (": " + "; ".join(moved) if moved else "") + ".")
        return EXIT_OK
    backup.sqlite_path(args.database or config.database_url())  # PostgreSQL: pg_restore first
    if not args.file:
        raise CliError("indique el archivo de respaldo que restaurar")
    # An administrator restores; a database with no administrator left (lost, damaged,
    # never set up) is restored by the account that owns its file.
    db = database(args, person=False)
    from sqlalchemy import inspect

    if inspect(db.engine).has_table("alembic_version") and cli_auth.has_administrator(db):
        db.dispose()
        db = database(args)
        require_admin(db, args.actor)
    elif not cli_auth.is_owner(db):
        raise CliError("solo la cuenta dueña del archivo de la base puede restaurarla")
    db.dispose()
    report = backup.restore(db.url, Path(args.file))
    print(f"Base de datos restaurada desde {args.file} ({report.pages} páginas).")
    for line in report.lines():
        print(line)
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    try:
        from st2desk.ui.app import run
    except ImportError:
        raise CliError(
            "la interfaz gráfica aún no forma parte de esta versión; use los comandos de línea "
            "(st2desk --help)", EXIT_FAILED) from None
    return run(args.database)


def _safe_url(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=True)


# --------------------------------------------------------------------------- parser


def add_user_option(parser: argparse.ArgumentParser, help_text: str | None = None) -> None:
    parser.add_argument(
        "--user", metavar="USUARIO",
        help=help_text or "quién actúa: su usuario de st2desk (la contraseña se pide en la "
                          "terminal o se lee de la entrada estándar; en PostgreSQL también "
                          "PGPASSWORD o ~/.pgpass)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="st2desk", description="Autorización de servicios médicos ST2 (IMSS).")
    parser.add_argument("--version", action="version", version=f"st2desk {__version__}")
    parser.add_argument("--database", metavar="URL",
                        help="URL de SQLAlchemy (por omisión: ST2DESK_DATABASE_URL o SQLite en "
                             "la carpeta de datos del usuario)")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    sub.add_parser("gui", help="abrir la aplicación").set_defaults(func=cmd_gui)
    sub.add_parser("init", help="crear o actualizar la base y cargar catálogos").set_defaults(
        func=cmd_init)

    demo = sub.add_parser("demo", help="llenar la base con datos de demostración")
    demo.add_argument("--requests", type=int_arg(0, 200_000), default=300, help="cuántas solicitudes (300)")
    demo.add_argument("--seed", type=int_arg(0, MAX_ID), default=2026,
                      help="semilla para datos reproducibles")
    demo.add_argument("--quiet", action="store_true", help="sin indicador de avance")
    demo.set_defaults(func=cmd_demo)

    user = sub.add_parser("user", help="usuarios").add_subparsers(dest="user_command",
                                                                  parser_class=_Parser)
    add = user.add_parser("add", help="crear un usuario (contraseña por la entrada estándar)")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="nombre completo")
    add.add_argument("--unit", required=True, help="clave de la unidad")
    add.add_argument("--role", action="append", required=True,
                     help="physician, specialist, appeals, reception o admin (repetible)")
    add.add_argument("--specialty", help="clave de especialidad (dictaminadores)")
    add.add_argument("--license", help="cédula profesional")
    add_user_option(add, "el administrador que crea la cuenta (su contraseña primero); sin él, "
                         "solo la cuenta dueña de una base sin administrador")
    add.add_argument("--matricula", help="matrícula IMSS del trabajador")
    add.set_defaults(func=cmd_user_add)

    audit_p = sub.add_parser("audit", help="bitácora").add_subparsers(dest="audit_command",
                                                                      parser_class=_Parser)
    verify_p = audit_p.add_parser("verify", help="verificar la cadena de la bitácora")
    add_user_option(verify_p)
    verify_p.set_defaults(func=cmd_audit_verify)

    expire_p = sub.add_parser("expire", help="vencer las autorizaciones cuyo plazo terminó")
    add_user_option(expire_p)
    expire_p.set_defaults(func=cmd_expire)
    backup_p = sub.add_parser("backup", help="respaldo consistente de la base SQLite")
    backup_p.add_argument("file")
    add_user_option(backup_p)
    backup_p.set_defaults(func=cmd_backup)
    restore_p = sub.add_parser(
        "restore", help="restaurar la base SQLite desde un respaldo; en PostgreSQL, tras "
                        "pg_restore, mover los contadores (--counters-from)")
    restore_p.add_argument("file", nargs="?")
    add_user_option(restore_p)
    restore_p.add_argument("--counters-from", metavar="URL_EN_USO",
                           help="PostgreSQL: la base en uso desde el respaldo; los contadores de "
                                "la base restaurada (--database) pasan los números ya emitidos")
    restore_p.set_defaults(func=cmd_restore)

    # Command groups that live in their own modules add their subparsers here.
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(sub)
    return parser


MAX_MESSAGE = 400


def one_line(message: str) -> str:
    """`message` as one printable line: control characters (which could also drive the
    terminal) shown as «?», and what a user typed at absurd length cut short."""
    text = "".join("?" if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch
                   for ch in str(message))
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 1] + "…"


def _say(message: str) -> None:
    print(f"st2desk: {one_line(message)}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    config.private_files()
    tempfiles.remove_stale()  # patient data left in temp by a process that was killed
    try:
        args = build_parser().parse_args(argv)
        func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
        if func is None:
            if getattr(args, "command", None):
                raise CliError(f"falta el subcomando de «{args.command}» (vea «st2desk --help»)")
            func = cmd_gui
        return func(args)
    except CliError as exc:
        _say(str(exc))
        return exc.code
    except StorageUnavailable as exc:  # the database failed, not the input
        _say(exc.message)
        return EXIT_FAILED
    except St2Error as exc:
        _say(exc.message)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        _say("interrumpido")
        return 130
    except OSError as exc:  # a file or device the command touched: Spanish, with its name
        from st2desk.outputs import os_error_message

        _say(os_error_message(exc, exc.filename or "un archivo"))
        return EXIT_FAILED
    except Exception as exc:  # noqa: BLE001 - last resort: one line, no traceback, no data
        from st2desk.failures import user_message

        message = user_message(exc)  # the database or the disk failed: say it in Spanish
        if message is not None:
            _say(message)
            return EXIT_FAILED
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            cause = getattr(exc, "orig", None) or exc
            first_line = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
            _say(f"error de base de datos ({type(cause).__name__}): {first_line}")
            return EXIT_FAILED
        if os.environ.get("ST2DESK_DEBUG"):
            raise
        print(f"st2desk: error interno ({type(exc).__name__}); repita con ST2DESK_DEBUG=1 "
              "para ver el detalle", file=sys.stderr)
        return EXIT_FAILED


def gui_main() -> int:
    return main([*sys.argv[1:], "gui"])
