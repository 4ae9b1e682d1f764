<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>AppealsModel</name>
    <message>
        <source>Folio</source>
        <translation>Folio</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>En espera</translation>
    </message>
    <message>
        <source>Appeal filed %1</source>
        <translation>Recurso presentado el %1</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <source>Rejection reason</source>
        <translation>Motivo del rechazo</translation>
    </message>
    <message>
        <source>Rejected by</source>
        <translation>Rechazada por</translation>
    </message>
    <message>
        <source>Appeal grounds</source>
        <translation>Fundamentos del recurso</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Servicio</translation>
    </message>
    <message>
        <source>Appeal filed</source>
        <translation>Recurso presentado</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioridad</translation>
    </message>
    <message>
        <source>Requesting unit</source>
        <translation>Unidad solicitante</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 d</translation>
    </message>
</context>
<context>
    <name>InboxModel</name>
    <message>
        <source>Folio</source>
        <translation>Folio</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>Tiempo restante</translation>
    </message>
    <message>
        <source>Due %1</source>
        <translation>Vence el %1</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioridad</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Servicio</translation>
    </message>
    <message>
        <source>Warnings</source>
        <translation>Advertencias</translation>
    </message>
    <message>
        <source>Warnings from the automated review: %1</source>
        <translation>Advertencias de la revisión automática: %1</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>Enviada</translation>
    </message>
    <message>
        <source>Requesting unit</source>
        <translation>Unidad solicitante</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Especialidad</translation>
    </message>
    <message>
        <source>NSS</source>
        <translation>NSS</translation>
    </message>
</context>
</TS>
