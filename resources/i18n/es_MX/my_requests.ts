<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>MyRequests</name>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 d %2 h</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>paused (%1 left)</source>
        <translation>en pausa (quedan %1)</translation>
    </message>
    <message>
        <source>paused, waiting for your answer (%1 left)</source>
        <translation>en pausa, esperando su respuesta (quedan %1)</translation>
    </message>
    <message>
        <source>overdue by %1</source>
        <translation>vencida hace %1</translation>
    </message>
    <message>
        <source>due in %1</source>
        <translation>vence en %1</translation>
    </message>
    <message>
        <source>Folio, NSS, patient or service (Ctrl+F)</source>
        <translation>Folio, NSS, paciente o servicio (Ctrl+F)</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualizar</translation>
    </message>
    <message>
        <source>Read again from the database (F5)</source>
        <translation>Leer de nuevo de la base de datos (F5)</translation>
    </message>
    <message>
        <source>&amp;Show:</source>
        <translation>&amp;Mostrar:</translation>
    </message>
    <message>
        <source>&amp;Find:</source>
        <translation>&amp;Buscar:</translation>
    </message>
    <message>
        <source>My requests</source>
        <translation>Mis solicitudes</translation>
    </message>
    <message>
        <source>Request details</source>
        <translation>Detalle de la solicitud</translation>
    </message>
    <message>
        <source>Your answer to the specialist (Ctrl+Enter sends it)</source>
        <translation>Su respuesta al dictaminador (Ctrl+Enter la envía)</translation>
    </message>
    <message>
        <source>Your &amp;answer:</source>
        <translation>Su &amp;respuesta:</translation>
    </message>
    <message>
        <source>Send a&amp;nswer</source>
        <translation>Enviar res&amp;puesta</translation>
    </message>
    <message>
        <source>&amp;Open in the form</source>
        <translation>&amp;Abrir en el formulario</translation>
    </message>
    <message>
        <source>A&amp;ppeal…</source>
        <translation>Recurso de re&amp;visión…</translation>
    </message>
    <message>
        <source>&amp;Revise and resubmit</source>
        <translation>&amp;Corregir y volver a presentar</translation>
    </message>
    <message>
        <source>&amp;Cancel request…</source>
        <translation>Ca&amp;ncelar solicitud…</translation>
    </message>
    <message>
        <source>A&amp;ttach file…</source>
        <translation>Adjun&amp;tar archivo…</translation>
    </message>
    <message>
        <source>Need my attention</source>
        <translation>Requieren mi atención</translation>
    </message>
    <message>
        <source>Waiting for a decision</source>
        <translation>En espera de dictamen</translation>
    </message>
    <message>
        <source>Authorized</source>
        <translation>Autorizadas</translation>
    </message>
    <message>
        <source>Closed (used, expired, cancelled, final rejection)</source>
        <translation>Cerradas (utilizadas, vencidas, canceladas, rechazo definitivo)</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Todas</translation>
    </message>
    <message>
        <source>%1 requests shown; more load as you scroll</source>
        <translation>%1 solicitudes mostradas; se cargan más al desplazarse</translation>
    </message>
    <message>
        <source>%1 requests</source>
        <translation>%1 solicitudes</translation>
    </message>
    <message>
        <source>No requests match.</source>
        <translation>Ninguna solicitud coincide.</translation>
    </message>
    <message>
        <source>No request selected</source>
        <translation>Ninguna solicitud seleccionada</translation>
    </message>
    <message>
        <source>Choose a request in the list to see its progress.</source>
        <translation>Elija una solicitud de la lista para ver su avance.</translation>
    </message>
    <message>
        <source>urgent</source>
        <translation>urgente</translation>
    </message>
    <message>
        <source>emergency performed on %1 at %2</source>
        <translation>urgencia realizada el %1 a las %2</translation>
    </message>
    <message>
        <source>emergency performed on %1</source>
        <translation>urgencia realizada el %1</translation>
    </message>
    <message>
        <source>appeal possible until %1</source>
        <translation>recurso posible hasta el %1</translation>
    </message>
    <message>
        <source>the appeal period ended on %1</source>
        <translation>el plazo para el recurso venció el %1</translation>
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
        <source>Diagnosis</source>
        <translation>Diagnóstico</translation>
    </message>
    <message>
        <source>Performing unit</source>
        <translation>Unidad de destino</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Creada</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>Enviada</translation>
    </message>
    <message>
        <source>Decision due</source>
        <translation>Plazo de dictamen</translation>
    </message>
    <message>
        <source>valid until %1</source>
        <translation>vigente hasta el %1</translation>
    </message>
    <message>
        <source>Authorization</source>
        <translation>Autorización</translation>
    </message>
    <message>
        <source>Revises</source>
        <translation>Corrige a</translation>
    </message>
    <message>
        <source>Revised as</source>
        <translation>Corregida como</translation>
    </message>
    <message>
        <source>Information requested by the specialist</source>
        <translation>Información solicitada por el dictaminador</translation>
    </message>
    <message>
        <source>Your answer, %1:</source>
        <translation>Su respuesta, %1:</translation>
    </message>
    <message>
        <source>Waiting for your answer.</source>
        <translation>Esperando su respuesta.</translation>
    </message>
    <message>
        <source>Decisions</source>
        <translation>Dictámenes</translation>
    </message>
    <message>
        <source>Authorized on appeal</source>
        <translation>Autorizada en recurso de revisión</translation>
    </message>
    <message>
        <source>Appeal denied (final rejection)</source>
        <translation>Recurso improcedente (rechazo definitivo)</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Rechazada</translation>
    </message>
    <message>
        <source>Appeals (recurso de revisión)</source>
        <translation>Recursos de revisión</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>pendiente</translation>
    </message>
    <message>
        <source>granted</source>
        <translation>procedente</translation>
    </message>
    <message>
        <source>denied</source>
        <translation>improcedente</translation>
    </message>
    <message>
        <source>Automated review</source>
        <translation>Revisión automática</translation>
    </message>
    <message>
        <source>Must be fixed</source>
        <translation>Por corregir</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Advertencia</translation>
    </message>
    <message>
        <source>Attached files</source>
        <translation>Archivos adjuntos</translation>
    </message>
    <message>
        <source>Clinical justification</source>
        <translation>Justificación clínica</translation>
    </message>
    <message>
        <source>Your &amp;answer to: «%1»</source>
        <translation>Su &amp;respuesta a: «%1»</translation>
    </message>
    <message>
        <source>%1 / %2 characters (at least %3)</source>
        <translation>%1 / %2 caracteres (mínimo %3)</translation>
    </message>
    <message>
        <source>Answer sent</source>
        <translation>Respuesta enviada</translation>
    </message>
    <message>
        <source>The answer was sent; request %1 is back under review and its clock runs again.</source>
        <translation>Se envió la respuesta; la solicitud %1 vuelve a revisión y su plazo corre de nuevo.</translation>
    </message>
    <message>
        <source>Recurso de revisión against the rejection of request %1. A head of service who did not make the first decision will decide it. It can be filed until %2. (Against the Institute, the recurso de inconformidad of LSS art. 294 remains available.)</source>
        <translation>Recurso de revisión contra el rechazo de la solicitud %1. Lo resolverá un jefe de servicio que no emitió el primer dictamen. Puede interponerse hasta el %2. (Contra el Instituto sigue disponible el recurso de inconformidad del art. 294 de la LSS.)</translation>
    </message>
    <message>
        <source>Appeal filed</source>
        <translation>Recurso interpuesto</translation>
    </message>
    <message>
        <source>The appeal against the rejection of %1 was filed.</source>
        <translation>Se interpuso el recurso de revisión contra el rechazo de %1.</translation>
    </message>
    <message>
        <source>File an appeal</source>
        <translation>Interponer recurso de revisión</translation>
    </message>
    <message>
        <source>&amp;Grounds of the appeal:</source>
        <translation>&amp;Fundamentos del recurso:</translation>
    </message>
    <message>
        <source>File appeal</source>
        <translation>Interponer recurso</translation>
    </message>
    <message>
        <source>Request %1 will be cancelled and will not be decided. This cannot be undone.</source>
        <translation>La solicitud %1 se cancelará y no se dictaminará. No se puede deshacer.</translation>
    </message>
    <message>
        <source>Cancel request</source>
        <translation>Cancelar solicitud</translation>
    </message>
    <message>
        <source>&amp;Reason for cancelling:</source>
        <translation>&amp;Motivo de la cancelación:</translation>
    </message>
    <message>
        <source>Cancel the request</source>
        <translation>Cancelar la solicitud</translation>
    </message>
    <message>
        <source>Create a new draft from the rejected request %1 to correct and submit again? The rejected request stays as it is.</source>
        <translation>¿Crear un nuevo borrador a partir de la solicitud rechazada %1 para corregirla y volver a presentarla? La solicitud rechazada queda como está.</translation>
    </message>
    <message>
        <source>It was already revised as %1.</source>
        <translation>Ya se corrigió como %1.</translation>
    </message>
    <message>
        <source>Revise and resubmit</source>
        <translation>Corregir y volver a presentar</translation>
    </message>
    <message>
        <source>Attach a file</source>
        <translation>Adjuntar un archivo</translation>
    </message>
    <message>
        <source>PDF and images (*.pdf *.png *.jpg *.jpeg);;All files (*)</source>
        <translation>PDF e imágenes (*.pdf *.png *.jpg *.jpeg);;Todos los archivos (*)</translation>
    </message>
</context>
<context>
    <name>MyRequestsModel</name>
    <message>
        <source>Folio</source>
        <translation>Folio</translation>
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
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Submitted</source>
        <translation>Enviada</translation>
    </message>
    <message>
        <source>Decision due</source>
        <translation>Plazo de dictamen</translation>
    </message>
    <message>
        <source>emergency</source>
        <translation>urgencia</translation>
    </message>
    <message>
        <source>urgent</source>
        <translation>urgente</translation>
    </message>
    <message>
        <source>not submitted</source>
        <translation>sin enviar</translation>
    </message>
    <message>
        <source>%1 ago</source>
        <translation>hace %1</translation>
    </message>
    <message>
        <source>Due %1</source>
        <translation>Vence el %1</translation>
    </message>
</context>
<context>
    <name>TextPromptDialog</name>
    <message>
        <source>Ctrl+Enter</source>
        <translation>Ctrl+Enter</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>%1 / %2 characters (at least %3)</source>
        <translation>%1 / %2 caracteres (mínimo %3)</translation>
    </message>
</context>
</TS>
