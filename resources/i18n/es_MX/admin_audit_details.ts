<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>AuditDetails</name>
    <message>
        <source>Signed in</source>
        <translation>Inicio de sesión</translation>
    </message>
    <message>
        <source>Failed sign-in</source>
        <translation>Inicio de sesión fallido</translation>
    </message>
    <message>
        <source>Account locked after failed sign-ins</source>
        <translation>Cuenta bloqueada por intentos fallidos</translation>
    </message>
    <message>
        <source>Changed their own password</source>
        <translation>Cambió su propia contraseña</translation>
    </message>
    <message>
        <source>User created</source>
        <translation>Usuario creado</translation>
    </message>
    <message>
        <source>User changed</source>
        <translation>Usuario modificado</translation>
    </message>
    <message>
        <source>User activated</source>
        <translation>Usuario activado</translation>
    </message>
    <message>
        <source>User deactivated</source>
        <translation>Usuario desactivado</translation>
    </message>
    <message>
        <source>User unlocked</source>
        <translation>Usuario desbloqueado</translation>
    </message>
    <message>
        <source>Password reset</source>
        <translation>Contraseña restablecida</translation>
    </message>
    <message>
        <source>User activated at this site</source>
        <translation>Usuario activado en este sitio</translation>
    </message>
    <message>
        <source>Request created</source>
        <translation>Solicitud creada</translation>
    </message>
    <message>
        <source>Request edited</source>
        <translation>Solicitud editada</translation>
    </message>
    <message>
        <source>Request submitted</source>
        <translation>Solicitud enviada a dictamen</translation>
    </message>
    <message>
        <source>Submission blocked by the review</source>
        <translation>Envío detenido por la revisión automática</translation>
    </message>
    <message>
        <source>Emergency filed</source>
        <translation>Urgencia registrada</translation>
    </message>
    <message>
        <source>Information given</source>
        <translation>Información entregada</translation>
    </message>
    <message>
        <source>Request cancelled</source>
        <translation>Solicitud cancelada</translation>
    </message>
    <message>
        <source>Revision of a rejected request</source>
        <translation>Corrección de una solicitud rechazada</translation>
    </message>
    <message>
        <source>Information requested</source>
        <translation>Información solicitada</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Autorizada</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Rechazada</translation>
    </message>
    <message>
        <source>Appeal filed</source>
        <translation>Recurso de revisión presentado</translation>
    </message>
    <message>
        <source>Appeal decided</source>
        <translation>Recurso de revisión resuelto</translation>
    </message>
    <message>
        <source>Use recorded</source>
        <translation>Uso registrado</translation>
    </message>
    <message>
        <source>Authorization cancelled</source>
        <translation>Autorización cancelada</translation>
    </message>
    <message>
        <source>Authorization expired</source>
        <translation>Autorización vencida</translation>
    </message>
    <message>
        <source>Slip printed</source>
        <translation>Comprobante impreso</translation>
    </message>
    <message>
        <source>Request form printed</source>
        <translation>Formato de solicitud impreso</translation>
    </message>
    <message>
        <source>File attached</source>
        <translation>Archivo adjuntado</translation>
    </message>
    <message>
        <source>Attachment removed</source>
        <translation>Archivo adjunto quitado</translation>
    </message>
    <message>
        <source>Patient registered</source>
        <translation>Paciente registrado</translation>
    </message>
    <message>
        <source>Patient changed</source>
        <translation>Paciente modificado</translation>
    </message>
    <message>
        <source>Paper form captured</source>
        <translation>Formato en papel capturado</translation>
    </message>
    <message>
        <source>Fillable PDF imported</source>
        <translation>PDF llenable importado</translation>
    </message>
    <message>
        <source>Folio block reserved</source>
        <translation>Bloque de folios reservado</translation>
    </message>
    <message>
        <source>Folio block reprinted</source>
        <translation>Bloque de folios reimpreso</translation>
    </message>
    <message>
        <source>Catalog entry added</source>
        <translation>Alta en un catálogo</translation>
    </message>
    <message>
        <source>Catalog entry changed</source>
        <translation>Cambio en un catálogo</translation>
    </message>
    <message>
        <source>Reference data reloaded</source>
        <translation>Datos de referencia recargados</translation>
    </message>
    <message>
        <source>Audit log verified</source>
        <translation>Bitácora de auditoría verificada</translation>
    </message>
    <message>
        <source>Database restored</source>
        <translation>Base de datos restaurada</translation>
    </message>
    <message>
        <source>Counters moved forward</source>
        <translation>Contadores adelantados</translation>
    </message>
    <message>
        <source>Sync bundle exported</source>
        <translation>Paquete de sincronización exportado</translation>
    </message>
    <message>
        <source>Sync bundle imported</source>
        <translation>Paquete de sincronización importado</translation>
    </message>
    <message>
        <source>Sync bundle refused</source>
        <translation>Paquete de sincronización rechazado</translation>
    </message>
    <message>
        <source>Sync conflict decided</source>
        <translation>Conflicto de sincronización decidido</translation>
    </message>
    <message>
        <source>Another site&apos;s key trusted</source>
        <translation>Llave de otro sitio de confianza</translation>
    </message>
    <message>
        <source>Key revoked</source>
        <translation>Llave revocada</translation>
    </message>
    <message>
        <source>This site&apos;s key exported</source>
        <translation>Llave de este sitio exportada</translation>
    </message>
    <message>
        <source>Site named</source>
        <translation>Sitio nombrado</translation>
    </message>
    <message>
        <source>Database version</source>
        <translation>Versión de la base de datos</translation>
    </message>
    <message>
        <source>Appended</source>
        <translation>Agregado</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <source>Roles</source>
        <translation>Funciones</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Unidad</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>Unidades</translation>
    </message>
    <message>
        <source>Authorization number</source>
        <translation>Número de autorización</translation>
    </message>
    <message>
        <source>Numbers</source>
        <translation>Números</translation>
    </message>
    <message>
        <source>Folio</source>
        <translation>Folio</translation>
    </message>
    <message>
        <source>Origin</source>
        <translation>Origen</translation>
    </message>
    <message>
        <source>Blocking findings</source>
        <translation>Hallazgos que detienen el envío</translation>
    </message>
    <message>
        <source>Warnings</source>
        <translation>Advertencias</translation>
    </message>
    <message>
        <source>Performed on</source>
        <translation>Realizado el</translation>
    </message>
    <message>
        <source>Revision of</source>
        <translation>Corrige a</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>Cambios</translation>
    </message>
    <message>
        <source>Records</source>
        <translation>Registros</translation>
    </message>
    <message>
        <source>How many</source>
        <translation>Cuántos</translation>
    </message>
    <message>
        <source>Bundle no.</source>
        <translation>Paquete n.º</translation>
    </message>
    <message>
        <source>From event</source>
        <translation>Desde el evento</translation>
    </message>
    <message>
        <source>To event</source>
        <translation>Hasta el evento</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Llave</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Sitio</translation>
    </message>
    <message>
        <source>Conflicts</source>
        <translation>Conflictos</translation>
    </message>
    <message>
        <source>Refused records</source>
        <translation>Registros no aceptados</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Nuevos</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Actualizados</translation>
    </message>
    <message>
        <source>Already here</source>
        <translation>Ya estaban</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Omitidos</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Decisión</translation>
    </message>
    <message>
        <source>Bundle</source>
        <translation>Paquete</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Etiqueta</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>Etiquetas</translation>
    </message>
    <message>
        <source>Fingerprint</source>
        <translation>Huella</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Eventos</translation>
    </message>
    <message>
        <source>Intact</source>
        <translation>Íntegra</translation>
    </message>
    <message>
        <source>First broken event</source>
        <translation>Primer evento roto</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Agregadas</translation>
    </message>
    <message>
        <source>Granted</source>
        <translation>Concedido</translation>
    </message>
    <message>
        <source>First folio</source>
        <translation>Primer folio</translation>
    </message>
    <message>
        <source>Last folio</source>
        <translation>Último folio</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>Año</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Archivo</translation>
    </message>
    <message>
        <source>Fillable</source>
        <translation>Llenable</translation>
    </message>
    <message>
        <source>Attachment</source>
        <translation>Archivo adjunto</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Origen</translation>
    </message>
    <message>
        <source>Events in the backup</source>
        <translation>Eventos en el respaldo</translation>
    </message>
    <message>
        <source>Counters moved</source>
        <translation>Contadores adelantados</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Nombre completo</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Especialidad</translation>
    </message>
    <message>
        <source>Cédula</source>
        <translation>Cédula</translation>
    </message>
    <message>
        <source>Matrícula</source>
        <translation>Matrícula</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>Vigente</translation>
    </message>
    <message>
        <source>typed in the application</source>
        <translation>capturada en la aplicación</translation>
    </message>
    <message>
        <source>paper form</source>
        <translation>formato en papel</translation>
    </message>
    <message>
        <source>fillable PDF</source>
        <translation>PDF llenable</translation>
    </message>
    <message>
        <source>another site (sync)</source>
        <translation>otro sitio (sincronización)</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>sí</translation>
    </message>
    <message>
        <source>no</source>
        <translation>no</translation>
    </message>
</context>
</TS>
