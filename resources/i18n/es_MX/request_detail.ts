<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>RequestDetailPane</name>
    <message>
        <source>Request detail</source>
        <translation>Detalle de la solicitud</translation>
    </message>
    <message>
        <source>Select a request to see its detail.</source>
        <translation>Seleccione una solicitud para ver su detalle.</translation>
    </message>
    <message>
        <source>emergency performed on %1</source>
        <translation>urgencia realizada el %1</translation>
    </message>
    <message>
        <source>emergency performed on %1 at %2</source>
        <translation>urgencia realizada el %1 a las %2</translation>
    </message>
    <message>
        <source>Service-level clock:</source>
        <translation>Plazo de atención:</translation>
    </message>
    <message>
        <source>male</source>
        <translation>hombre</translation>
    </message>
    <message>
        <source>female</source>
        <translation>mujer</translation>
    </message>
    <message>
        <source>%1 (%2 years)</source>
        <translation>%1 (%2 años)</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>vencida</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>NSS</source>
        <translation>NSS</translation>
    </message>
    <message>
        <source>CURP</source>
        <translation>CURP</translation>
    </message>
    <message>
        <source>Birth date</source>
        <translation>Fecha de nacimiento</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Sexo</translation>
    </message>
    <message>
        <source>Eligible until</source>
        <translation>Vigencia de derechos</translation>
    </message>
    <message>
        <source>Requested service</source>
        <translation>Servicio solicitado</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Servicio</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Especialidad</translation>
    </message>
    <message>
        <source>Diagnosis (ICD-10)</source>
        <translation>Diagnóstico (CIE-10)</translation>
    </message>
    <message>
        <source>Requesting unit</source>
        <translation>Unidad solicitante</translation>
    </message>
    <message>
        <source>Physician</source>
        <translation>Médico solicitante</translation>
    </message>
    <message>
        <source>Performing unit</source>
        <translation>Unidad de destino</translation>
    </message>
    <message>
        <source>Requested on</source>
        <translation>Fecha de solicitud</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>Enviada</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Vence</translation>
    </message>
    <message>
        <source>Revision of</source>
        <translation>Revisión de</translation>
    </message>
    <message>
        <source>Authorization</source>
        <translation>Autorización</translation>
    </message>
    <message>
        <source>Clinical justification</source>
        <translation>Justificación clínica</translation>
    </message>
    <message>
        <source>Attached files (%1)</source>
        <translation>Archivos adjuntos (%1)</translation>
    </message>
    <message>
        <source>Automated review (warnings: %1)</source>
        <translation>Revisión automática (advertencias: %1)</translation>
    </message>
    <message>
        <source>No findings: the automated review passed.</source>
        <translation>Sin hallazgos: la revisión automática no encontró problemas.</translation>
    </message>
    <message>
        <source>Information requested</source>
        <translation>Información solicitada</translation>
    </message>
    <message>
        <source>%1 asked on %2:</source>
        <translation>%1 preguntó el %2:</translation>
    </message>
    <message>
        <source>Answer (%1):</source>
        <translation>Respuesta (%1):</translation>
    </message>
    <message>
        <source>Not answered yet.</source>
        <translation>Aún sin respuesta.</translation>
    </message>
    <message>
        <source>Decisions</source>
        <translation>Dictámenes</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>Motivo:</translation>
    </message>
    <message>
        <source>Approved on appeal</source>
        <translation>Aprobada en recurso de revisión</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Aprobada</translation>
    </message>
    <message>
        <source>Appeal denied</source>
        <translation>Recurso negado</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Rechazada</translation>
    </message>
    <message>
        <source>%1 by %2 on %3</source>
        <translation>%1 por %2 el %3</translation>
    </message>
    <message>
        <source>Appeal (recurso de revisión)</source>
        <translation>Recurso de revisión</translation>
    </message>
    <message>
        <source>Filed by %1 on %2. Grounds:</source>
        <translation>Presentado por %1 el %2. Fundamentos:</translation>
    </message>
    <message>
        <source>Earlier requests of the patient (%1)</source>
        <translation>Solicitudes anteriores del paciente (%1)</translation>
    </message>
    <message>
        <source>None.</source>
        <translation>Ninguna.</translation>
    </message>
</context>
<context>
    <name>RequestFormat</name>
    <message>
        <source>Draft</source>
        <translation>Borrador</translation>
    </message>
    <message>
        <source>Emergency performed (to be filed)</source>
        <translation>Urgencia realizada (por presentar)</translation>
    </message>
    <message>
        <source>In review</source>
        <translation>En revisión</translation>
    </message>
    <message>
        <source>Information requested</source>
        <translation>Información solicitada</translation>
    </message>
    <message>
        <source>Authorized</source>
        <translation>Autorizada</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Rechazada</translation>
    </message>
    <message>
        <source>In appeal</source>
        <translation>En recurso de revisión</translation>
    </message>
    <message>
        <source>Finally rejected</source>
        <translation>Rechazo definitivo</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>Utilizada</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Vencida</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelada</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>Urgente</translation>
    </message>
    <message>
        <source>Ordinary</source>
        <translation>Ordinaria</translation>
    </message>
    <message>
        <source>%1 (%2 time)</source>
        <translation>%1 (hora de %2)</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 d %2 h</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>paused (overdue)</source>
        <translation>pausado (vencido)</translation>
    </message>
    <message>
        <source>paused (%1 left)</source>
        <translation>pausado (quedan %1)</translation>
    </message>
    <message>
        <source>overdue by %1</source>
        <translation>vencida hace %1</translation>
    </message>
</context>
</TS>
