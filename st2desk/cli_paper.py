"""Paper and offline commands (DESIGN §4.1): folios, print, import pdf, sync, keys, verify.

Every command acts for a person who signed in (``--user`` and a password, st2desk.cli_auth):
their roles are enforced and the audit log names them. There is no implicit administrator.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from st2desk.cli import (
    EXIT_FAILED,
    EXIT_OK,
    MAX_ID,
    CliError,
    _Parser,
    add_user_option,
    database,
    int_arg,
)
from st2desk.outputs import write_atomic


def _progress(label: str, quiet: bool):  # type: ignore[no-untyped-def]
    if quiet:
        return None

    def report(done: int, total: int) -> None:
        end = "\n" if done == total else ""
        print(f"\r{done}/{total} {label}", end=end, file=sys.stderr, flush=True)

    return report


def _output(path: str) -> Path:
    """The output path, checked before any side effect (a regular file or a new name)."""
    from st2desk.outputs import check_target

    return check_target(path)


def _read(path: str, limit: int, what: str) -> bytes:
    """An input file, refused when it is not a regular file or exceeds `limit` bytes."""
    from st2desk.inputs import read_bounded

    return read_bounded(path, limit, what)


# --------------------------------------------------------------------------- folios


def cmd_folios_reserve(args: argparse.Namespace) -> int:
    from st2desk.services.folios import reserve_block

    db = database(args)
    with db.transaction() as session:
        info = reserve_block(session, args.actor, args.unit, args.count,
                             year=args.year)
    print(f"Bloque {info.first_folio} … {info.last_folio} reservado para {info.unit_code}: "
          f"{info.count} folios.")
    return EXIT_OK


def cmd_folios_list(args: argparse.Namespace) -> int:
    from st2desk.services.folios import list_blocks

    db = database(args)
    with db.session() as session:
        blocks = list_blocks(session, args.unit)
    if not blocks:
        print("No hay bloques de folios reservados.")
    for b in blocks:
        print(f"{b.unit_code:<10} {b.first_folio} … {b.last_folio}  "
              f"{b.count} folios, {b.used} usados")
    return EXIT_OK


# --------------------------------------------------------------------------- print


def cmd_print_blank(args: argparse.Namespace) -> int:
    from st2desk.services.paper import print_blank

    if args.block is None and (args.unit is None or args.count is None):
        raise CliError("indique --unit y --count (o --block para reimprimir un bloque)")
    db = database(args)
    target = Path(args.output)
    if args.fillable and target.exists() and not target.is_dir():
        raise CliError(f"con --fillable, -o es una carpeta (un PDF por folio); «{target}» es un archivo")
    actor = args.actor
    with db.session() as session:
        block_id = None
        if args.block is not None:  # the block's first (or any) folio; a local id still works
            from st2desk.services.folios import block_of_folio

            if args.block.strip().isdigit():
                if int(args.block) > MAX_ID:
                    raise CliError(f"«{args.block[:40]}» no es un bloque de folios")
                block_id = int(args.block)
            else:
                block_id = block_of_folio(session, args.block).id
    result = print_blank(db, actor, args.unit or "", args.count or 0, target,
                         fillable=args.fillable, block_id=block_id,
                         progress=_progress("formatos", args.quiet))
    where = f"{len(result.files)} archivos en {target}" if args.fillable else str(target)
    print(f"{len(result.folios)} formatos en blanco (bloque {result.folios[0]} … "
          f"{result.folios[-1]}): {where}.")
    return EXIT_OK


def cmd_print_request(args: argparse.Namespace) -> int:
    from st2desk.services.paper import print_request

    db = database(args)
    target = _output(args.output)
    with db.transaction() as session:
        pages = print_request(session, args.actor, args.folio, target,
                              fillable=args.fillable)
    kind = "llenable" if args.fillable else f"{pages} hoja(s)"
    print(f"Formato ST2 {args.folio.strip().upper()} ({kind}): {target}.")
    return EXIT_OK


def cmd_print_slip(args: argparse.Namespace) -> int:
    from st2desk.services.slips import print_slip

    db = database(args)
    target = _output(args.output)
    with db.transaction() as session:
        print_slip(session, args.actor, args.number, target)
    print(f"Comprobante de la autorización {args.number.strip().upper()}: {target}.")
    return EXIT_OK


# --------------------------------------------------------------------------- import


def cmd_import_pdf(args: argparse.Namespace) -> int:
    from st2desk.inputs import PDF_FORM_LIMIT, check_input
    from st2desk.services.paper import import_pdf_files

    for name in args.files:  # a mistyped path or a device stops the batch before anything
        check_input(name, PDF_FORM_LIMIT, "el PDF")
    db = database(args)
    outcomes = import_pdf_files(db, args.actor, args.files)
    for outcome in outcomes:
        print(outcome.summary())
        for note in outcome.notes:
            print(f"    nota: {note}")
    accepted = sum(1 for o in outcomes if o.accepted)
    submitted = sum(1 for o in outcomes if o.submitted)
    print(f"Importados {accepted} de {len(outcomes)} archivos ({submitted} enviados a dictamen, "
          f"{accepted - submitted} como borrador, {len(outcomes) - accepted} rechazados).")
    return EXIT_OK if accepted == len(outcomes) else EXIT_FAILED


# --------------------------------------------------------------------------- sync and keys


def cmd_sync_export(args: argparse.Namespace) -> int:
    from st2desk.services.sync import export_bundle

    db = database(args)
    target = _output(args.output)
    with db.transaction() as session:
        data, summary = export_bundle(session, args.actor, to=args.to,
                                      unit_code=args.unit, full=args.full)
        write_atomic(target, data)  # a failed write rolls the export mark back with it
    print(summary.line() + f" Archivo: {target}.")
    return EXIT_OK


def cmd_sync_import(args: argparse.Namespace) -> int:
    from st2desk.services.sync import import_bundle, read_bundle_file

    data = read_bundle_file(args.file)  # bounded before anything is parsed (DESIGN §7.4)
    db = database(args)
    with db.transaction() as session:
        report = import_bundle(session, args.actor, data)
    print("\n".join(report.lines()))
    return EXIT_FAILED if report.refused else EXIT_OK


def cmd_keys_trust(args: argparse.Namespace) -> int:
    from st2desk.inputs import KEY_FILE_LIMIT
    from st2desk.services.slips import trust_keys

    text = _read(args.file, KEY_FILE_LIMIT, "el archivo de llaves").decode("utf-8", errors="replace")
    if text.startswith("ST2DESK-BUNDLE"):
        raise CliError("ese archivo es un paquete, no un archivo de llaves; pida a la otra "
                       "instalación su «st2desk keys export»")
    db = database(args)
    units = tuple(u.strip().upper() if u.strip() != "*" else "*"
                  for u in args.units.split(",") if u.strip()) if args.units else None
    with db.transaction() as session:
        added = trust_keys(session, args.actor, text, units=units)
        from st2desk import signing

        registered = signing.registered_keys(session)
        for entry in signing.parse_key_file(text):
            reg = registered.get(entry.kid)
            if reg is not None:
                print(f"{entry.kid}: {entry.site.describe()}; puede firmar por: "
                      f"{reg.scoped_entry().site.units_text()}.")
    print(f"Llaves nuevas de confianza: {', '.join(added) if added else 'ninguna (ya lo eran)'}.")
    return EXIT_OK


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    from st2desk.services.site_keys import revoke

    db = database(args)
    with db.transaction() as session:
        row = revoke(session, args.actor, args.kid.strip())
    print(f"Llave {row.kid} («{row.site_name or row.site_code or '?'}», huella "
          f"{row.fingerprint}) revocada: sus paquetes y comprobantes ya no se aceptan aquí; "
          "lo que ya trajo se conserva.")
    return EXIT_OK


def cmd_keys_export(args: argparse.Namespace) -> int:
    from st2desk.services.slips import export_public_keys

    db = database(args)
    target = _output(args.output)
    with db.transaction() as session:
        text = export_public_keys(session, include_trusted=args.all)
    write_atomic(target, text.encode("utf-8"))
    count = sum(1 for line in text.splitlines() if line and not line.startswith("#"))
    print(f"{count} llave(s) pública(s) en {target}.")
    return EXIT_OK


def cmd_keys_list(args: argparse.Namespace) -> int:
    from st2desk import signing

    db = database(args)
    with db.session() as session:
        keys = signing.registered_keys(session)
    if not keys:
        print("Esta base de datos aún no tiene llaves registradas.")
    for kid in sorted(keys):
        reg = keys[kid]
        origin = "propia" if reg.origin == "local" else "de confianza"
        site = reg.entry.site
        scope = reg.scoped_entry().site.units_text() if reg.units else "nada (confíe de nuevo con --units)"
        print(f"{kid}  {origin:<13} sitio {site.code or '?'} «{site.name}»"
              + (f", creada el {site.created}" if site.created else "")
              + f"; firma por: {scope}")
    return EXIT_OK


# --------------------------------------------------------------------------- verify


def cmd_verify(args: argparse.Namespace) -> int:
    from st2desk.services import slips

    if bool(args.number) == bool(args.payload):
        raise CliError("indique un número de autorización o --payload TEXTO (uno de los dos)")
    if args.public_key and not args.payload:
        raise CliError("--public-key sirve para verificar un --payload sin base de datos")
    if args.public_key:
        from st2desk import signing

        keys = signing.read_key_file(args.public_key)
        result = slips.verify_payload_offline(args.payload, keys, nss=args.nss)
    else:
        db = database(args)
        with db.session() as session:
            if args.payload:
                result = slips.verify_payload(session, args.payload, nss=args.nss)
            else:
                result = slips.verify_number(session, args.number)
    print(result.line())
    return EXIT_OK if result.ok else EXIT_FAILED


# --------------------------------------------------------------------------- parser


def _user_arg(parser: argparse.ArgumentParser) -> None:
    add_user_option(parser)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    def group(name: str, help_text: str, dest: str) -> argparse._SubParsersAction:  # type: ignore[type-arg]
        p = sub.add_parser(name, help=help_text)
        return p.add_subparsers(dest=dest, parser_class=_Parser)

    folios = group("folios", "bloques de folios para formatos en papel", "folios_command")
    reserve = folios.add_parser("reserve", help="reservar un bloque de folios para una unidad")
    reserve.add_argument("--unit", required=True, help="clave de la unidad")
    reserve.add_argument("--count", required=True, type=int_arg(-MAX_ID, MAX_ID),
                         help="cuántos folios")
    reserve.add_argument("--year", type=int_arg(1900, 2199),
                         help="año de los folios (por omisión, el actual)")
    _user_arg(reserve)
    reserve.set_defaults(func=cmd_folios_reserve)
    listing = folios.add_parser("list", help="bloques reservados y cuántos folios se usaron")
    listing.add_argument("--unit", help="solo esta unidad")
    _user_arg(listing)
    listing.set_defaults(func=cmd_folios_list)

    printing = group("print", "imprimir formatos ST2 y comprobantes", "print_command")
    blank = printing.add_parser("blank", help="formatos en blanco con folios reservados")
    blank.add_argument("--unit", help="clave de la unidad")
    blank.add_argument("--count", type=int_arg(-MAX_ID, MAX_ID),
                       help="cuántos formatos (reserva un bloque nuevo)")
    blank.add_argument("--block", metavar="FOLIO",
                       help="imprimir o reimprimir el bloque ya reservado que contiene este folio "
                            "(su primer folio, como lo muestra «folios list»)")
    blank.add_argument("--fillable", action="store_true",
                       help="PDF llenables, uno por folio, en la carpeta -o")
    blank.add_argument("-o", "--output", required=True, help="archivo PDF (o carpeta con --fillable)")
    blank.add_argument("--quiet", action="store_true", help="sin indicador de avance")
    _user_arg(blank)
    blank.set_defaults(func=cmd_print_blank)
    request = printing.add_parser("request", help="el formato ST2 de una solicitud")
    request.add_argument("folio")
    request.add_argument("--fillable", action="store_true", help="PDF llenable")
    request.add_argument("-o", "--output", required=True, help="archivo PDF")
    _user_arg(request)
    request.set_defaults(func=cmd_print_request)
    slip = printing.add_parser("slip", help="el comprobante de una autorización")
    slip.add_argument("number")
    slip.add_argument("-o", "--output", required=True, help="archivo PDF")
    _user_arg(slip)
    slip.set_defaults(func=cmd_print_slip)

    importing = group("import", "importar formatos llenados", "import_command")
    pdf = importing.add_parser("pdf", help="importar PDF llenables; informa cada archivo")
    pdf.add_argument("files", nargs="+", metavar="ARCHIVO")
    _user_arg(pdf)
    pdf.set_defaults(func=cmd_import_pdf)

    sync = group("sync", "paquetes de sincronización de unidades sin red", "sync_command")
    export = sync.add_parser("export", help="paquete firmado de lo creado desde la última exportación")
    export.add_argument("-o", "--output", required=True, help="archivo del paquete")
    export.add_argument("--to", required=True, metavar="SITIO_O_LLAVE",
                        help="sitio destino (su clave o el id de su llave de confianza): el paquete "
                             "se cifra para él")
    export.add_argument("--unit", help="solo lo de esta unidad (y su propia marca de exportación)")
    export.add_argument("--full", action="store_true", help="todo, no solo lo nuevo")
    _user_arg(export)
    export.set_defaults(func=cmd_sync_export)
    sync_import = sync.add_parser("import", help="importar un paquete (idempotente)")
    sync_import.add_argument("file", metavar="ARCHIVO")
    _user_arg(sync_import)
    sync_import.set_defaults(func=cmd_sync_import)
    trust = sync.add_parser("trust", help="confiar en la llave pública de otra instalación")
    trust.add_argument("file", metavar="ARCHIVO_DE_LLAVES")
    trust.add_argument("--units", metavar="U1,U2", help="como en «keys trust»")
    _user_arg(trust)
    trust.set_defaults(func=cmd_keys_trust)

    keys = group("keys", "llaves de firma (comprobantes y paquetes)", "keys_command")
    kexport = keys.add_parser("export", help="escribir las llaves públicas de esta instalación")
    kexport.add_argument("-o", "--output", required=True, help="archivo de llaves")
    kexport.add_argument("--all", action="store_true", help="incluir las llaves de confianza")
    _user_arg(kexport)
    kexport.set_defaults(func=cmd_keys_export)
    ktrust = keys.add_parser("trust", help="confiar en las llaves de un archivo")
    ktrust.add_argument("file", metavar="ARCHIVO_DE_LLAVES")
    ktrust.add_argument("--units", metavar="U1,U2",
                        help="unidades por las que la llave puede firmar (por omisión, las de su "
                             "etiqueta; «*» todas, solo para la oficina central)")
    _user_arg(ktrust)
    ktrust.set_defaults(func=cmd_keys_trust)
    krevoke = keys.add_parser("revoke", help="dejar de confiar en la llave de otro sitio")
    krevoke.add_argument("kid", metavar="LLAVE", help="identificador de la llave (keys list)")
    _user_arg(krevoke)
    krevoke.set_defaults(func=cmd_keys_revoke)
    klist = keys.add_parser("list", help="llaves registradas en esta base")
    _user_arg(klist)
    klist.set_defaults(func=cmd_keys_list)

    verify = sub.add_parser("verify", help="verificar una autorización (número o código QR)")
    verify.add_argument("number", nargs="?", help="número de autorización (consulta la base)")
    verify.add_argument("--payload", metavar="TEXTO", help="texto del código QR del comprobante")
    verify.add_argument("--public-key", metavar="ARCHIVO",
                        help="verificar sin base de datos con este archivo de llaves públicas")
    verify.add_argument("--nss", help="NSS del paciente para comparar con el del código")
    _user_arg(verify)
    verify.set_defaults(func=cmd_verify)
