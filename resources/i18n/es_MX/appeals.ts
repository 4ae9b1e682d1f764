<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>AppealsInbox</name>
    <message>
        <source>Appeals (recursos de revisión) against first decisions of your unit, oldest first.</source>
        <translation>Recursos de revisión contra dictámenes de su unidad, los más antiguos primero.</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualizar</translation>
    </message>
    <message>
        <source>Read the appeals again (F5)</source>
        <translation>Volver a leer los recursos (F5)</translation>
    </message>
    <message>
        <source>Open appeals</source>
        <translation>Recursos pendientes</translation>
    </message>
    <message>
        <source>Grant (&amp;authorize)…</source>
        <translation>&amp;Conceder (autorizar)…</translation>
    </message>
    <message>
        <source>&amp;Deny…</source>
        <translation>&amp;Negar…</translation>
    </message>
    <message>
        <source>No open appeals for your unit.</source>
        <translation>No hay recursos de revisión pendientes en su unidad.</translation>
    </message>
    <message>
        <source>Open appeals: %1</source>
        <translation>Recursos pendientes: %1</translation>
    </message>
    <message>
        <source>You made the first decision on this request; another head of service must resolve the appeal.</source>
        <translation>Usted emitió el primer dictamen de esta solicitud; otro jefe de servicio debe resolver el recurso.</translation>
    </message>
    <message>
        <source>You filed this request; you cannot resolve its appeal.</source>
        <translation>Usted elaboró esta solicitud; no puede resolver su recurso.</translation>
    </message>
    <message>
        <source>This appeal is already resolved.</source>
        <translation>Este recurso ya está resuelto.</translation>
    </message>
    <message>
        <source>Appeal on %1 granted: the request is authorized.</source>
        <translation>Recurso de %1 concedido: la solicitud queda autorizada.</translation>
    </message>
    <message>
        <source>Appeal on %1 denied: the rejection is final.</source>
        <translation>Recurso de %1 negado: el rechazo es definitivo.</translation>
    </message>
</context>
</TS>
