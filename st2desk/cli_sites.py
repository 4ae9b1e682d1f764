"""Site commands (DESIGN §7.2, §7.3): the site label, audit checkpoints, sync conflicts."""

from __future__ import annotations

import argparse

from st2desk.cli import (
    EXIT_OK,
    CliError,
    _Parser,
    add_user_option,
    database,
    require_admin,
)


def cmd_site_set(args: argparse.Namespace) -> int:
    from st2desk import audit, signing

    units = tuple("*" if u.strip() == "*" else u.strip().upper()
                  for u in args.units.split(",") if u.strip())
    if not units:
        raise CliError("indique --units con las unidades del sitio («*»: todas, oficina central)")
    db = database(args)
    require_admin(db, args.actor)
    with db.transaction() as session:
        if "*" not in units:
            from st2desk.services.folios import unit_by_code

            for code in units:
                unit_by_code(session, code)
        site = signing.set_site_label(session, args.code.strip().upper(), args.name, units)
        key = signing.ensure_local_key_registered(session)
        audit.record(session, user_id=args.actor.user_id, username=args.actor.username,
                     action="site_label", entity="key",
                     entity_id=key.kid, details={"site": site.code, "name": site.name,
                                                 "units": list(site.units)})
    print(f"Sitio {site.code} «{site.name}»: firma por {site.units_text()} (llave {key.kid}).")
    return EXIT_OK


def cmd_site_show(args: argparse.Namespace) -> int:
    from st2desk import signing

    db = database(args)
    with db.transaction() as session:
        key = signing.ensure_local_key_registered(session)
        label = signing.local_label(session, key)
    print(f"Sitio {label.code} «{label.name}», unidades: {label.units_text()}; llave {key.kid} "
          f"creada el {label.created}.")
    return EXIT_OK


def cmd_site_activate(args: argparse.Namespace) -> int:
    from st2desk.cli import _read_password
    from st2desk.services.site_users import activate_site_user

    db = database(args)  # the administrator signs in first (their password first)
    password = _read_password()  # then the new person's, set on this computer only
    with db.transaction() as session:
        user = activate_site_user(session, args.actor, args.username, password)
        name = user.username
    print(f"Usuario «{name}» activo en este sitio con la contraseña indicada.")
    return EXIT_OK


def cmd_checkpoints_export(args: argparse.Namespace) -> int:
    from st2desk import audit
    from st2desk.outputs import check_target, write_atomic

    target = check_target(args.output)
    db = database(args)
    require_admin(db, args.actor)
    with db.session() as session:
        text = audit.export_checkpoints(session, args.site.strip().upper())
    write_atomic(target, text.encode("utf-8"))
    print(f"{len(text.splitlines())} puntos de control del sitio {args.site.upper()} en {target}.")
    return EXIT_OK


def cmd_checkpoints_verify(args: argparse.Namespace) -> int:
    import sys

    from st2desk import audit
    from st2desk.inputs import KEY_FILE_LIMIT, read_bounded

    raw = read_bounded(args.file, KEY_FILE_LIMIT, "el archivo de puntos de control")
    extra = audit.parse_checkpoints(raw.decode("utf-8", errors="replace"))
    db = database(args)
    require_admin(db, args.actor)
    with db.session() as session:
        report = audit.verify(session, extra=extra)
    if report.ok:
        print(f"Bitácora íntegra: {report.events} eventos verificados; anclada hasta el evento "
              f"{report.anchored_seq} por {report.checkpoints} puntos de control firmados.")
        return EXIT_OK
    print(f"st2desk: bitácora alterada: el primer enlace roto es el evento {report.first_broken_seq} "
          f"({report.reason}).", file=sys.stderr)
    return 1


def cmd_conflicts_list(args: argparse.Namespace) -> int:
    from st2desk.services.sync_conflicts import list_conflicts

    db = database(args)
    with db.session() as session:
        rows = list_conflicts(session, args.actor, include_closed=args.all)
    if not rows:
        print("No hay conflictos de sincronización pendientes." if not args.all
              else "No hay conflictos de sincronización.")
    for row in rows:
        print(row.line())
    return EXIT_OK


def cmd_conflicts_resolve(args: argparse.Namespace) -> int:
    from st2desk.services.sync_conflicts import resolve_conflict

    decision = "keep" if args.keep else "dismiss"
    db = database(args)
    with db.transaction() as session:
        row = resolve_conflict(session, args.actor, args.id, decision, args.note)
    print(f"Conflicto {row.id} ({row.folio or 'sin folio'}): {row.status_label}."
          + (" Vuelva a importar el paquete: se importará el resto." if args.keep else ""))
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    site = sub.add_parser("site", help="el sitio de esta base (etiqueta de sus llaves)")
    site_sub = site.add_subparsers(dest="site_command", parser_class=_Parser)
    sset = site_sub.add_parser("set", help="nombrar el sitio y las unidades por las que firma")
    sset.add_argument("--code", required=True, help="clave del sitio (p. ej. la de la unidad)")
    sset.add_argument("--name", required=True, help="nombre del sitio")
    sset.add_argument("--units", required=True, metavar="U1,U2",
                      help="unidades que el sitio representa («*»: todas, oficina central)")
    add_user_option(sset)
    sset.set_defaults(func=cmd_site_set)
    sshow = site_sub.add_parser("show", help="el sitio y su llave")
    add_user_option(sshow)
    sshow.set_defaults(func=cmd_site_show)
    activate = site_sub.add_parser(
        "activate", help="activar un usuario de este sitio llegado de la central (contraseña por "
                         "la entrada estándar)")
    activate.add_argument("username", metavar="USUARIO")
    add_user_option(activate, "el administrador que activa (su contraseña primero, en la "
                              "entrada estándar; luego la del usuario activado)")
    activate.set_defaults(func=cmd_site_activate)

    cps = sub.add_parser("checkpoints", help="puntos de control firmados de la bitácora")
    cp_sub = cps.add_subparsers(dest="checkpoints_command", parser_class=_Parser)
    cexp = cp_sub.add_parser("export", help="los puntos de control que otro sitio envió aquí")
    cexp.add_argument("--site", required=True, help="clave del sitio")
    cexp.add_argument("-o", "--output", required=True, help="archivo")
    add_user_option(cexp)
    cexp.set_defaults(func=cmd_checkpoints_export)
    cver = cp_sub.add_parser("verify", help="verificar la bitácora de esta base contra un archivo "
                                            "de puntos de control que guardó otro sitio")
    cver.add_argument("file", metavar="ARCHIVO")
    add_user_option(cver)
    cver.set_defaults(func=cmd_checkpoints_verify)

    conflicts = sub.add_parser("conflicts", help="conflictos de sincronización por decidir")
    c_sub = conflicts.add_subparsers(dest="conflicts_command", parser_class=_Parser)
    clist = c_sub.add_parser("list", help="conflictos pendientes (--all: también los decididos)")
    clist.add_argument("--all", action="store_true")
    add_user_option(clist)
    clist.set_defaults(func=cmd_conflicts_list)
    resolve = c_sub.add_parser("resolve", help="decidir un conflicto")
    resolve.add_argument("id", type=int, metavar="ID")
    how = resolve.add_mutually_exclusive_group(required=True)
    how.add_argument("--keep", action="store_true",
                     help="conservar la versión de esta base para ese folio e importar el resto")
    how.add_argument("--dismiss", action="store_true",
                     help="descartar: la otra instalación enviará un paquete corregido")
    resolve.add_argument("--note", required=True, help="por qué se decide así")
    add_user_option(resolve)
    resolve.set_defaults(func=cmd_conflicts_resolve)
