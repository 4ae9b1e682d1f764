<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>AuditTab</name>
    <message>
        <source>&amp;Verify the audit log</source>
        <translation>&amp;Verificar la bitácora</translation>
    </message>
    <message>
        <source>Verification recomputes every event&apos;s seal: it tells whether any event was altered, deleted or reordered.</source>
        <translation>La verificación recalcula el sello de cada evento: indica si alguno fue alterado, borrado o reordenado.</translation>
    </message>
    <message>
        <source>user</source>
        <translation>usuario</translation>
    </message>
    <message>
        <source>(every action)</source>
        <translation>(todas las acciones)</translation>
    </message>
    <message>
        <source>folio or authorization</source>
        <translation>folio o autorización</translation>
    </message>
    <message>
        <source>&amp;Filter</source>
        <translation>&amp;Filtrar</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>Núm.</translation>
    </message>
    <message>
        <source>Date and time</source>
        <translation>Fecha y hora</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Acción</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Registro</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Detalles</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Evento</translation>
    </message>
    <message>
        <source>&amp;Older events</source>
        <translation>Eventos &amp;anteriores</translation>
    </message>
    <message>
        <source>User:</source>
        <translation>Usuario:</translation>
    </message>
    <message>
        <source>Action:</source>
        <translation>Acción:</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>Desde:</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>Hasta:</translation>
    </message>
    <message>
        <source>Folio:</source>
        <translation>Folio:</translation>
    </message>
    <message>
        <source>%1 events shown</source>
        <translation>%1 eventos mostrados</translation>
    </message>
    <message>
        <source>Choose an event to see its details.</source>
        <translation>Elija un evento para ver sus datos.</translation>
    </message>
    <message>
        <source>Verifying the audit log…</source>
        <translation>Verificando la bitácora…</translation>
    </message>
</context>
</TS>
