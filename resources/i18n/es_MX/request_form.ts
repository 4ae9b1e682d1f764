<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>RequestForm</name>
    <message>
        <source>New request</source>
        <translation>Nueva solicitud</translation>
    </message>
    <message>
        <source>Start a blank form (Ctrl+N)</source>
        <translation>Empezar un formulario en blanco (Ctrl+N)</translation>
    </message>
    <message>
        <source>An unsaved draft was recovered.</source>
        <translation>Se recuperó un borrador sin guardar.</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Descartar</translation>
    </message>
    <message>
        <source>See it in My requests</source>
        <translation>Verla en Mis solicitudes</translation>
    </message>
    <message>
        <source>Code or words of the name, e.g. resonancia rodilla</source>
        <translation>Clave o palabras del nombre, p. ej. resonancia rodilla</translation>
    </message>
    <message>
        <source>e.g. K80.2 or migraña</source>
        <translation>p. ej. K80.2 o migraña</translation>
    </message>
    <message>
        <source>Code or name of the unit</source>
        <translation>Clave o nombre de la unidad</translation>
    </message>
    <message>
        <source>Ordinary (decision within 7 days)</source>
        <translation>Ordinaria (dictamen en 7 días)</translation>
    </message>
    <message>
        <source>Urgent (decision within 72 hours)</source>
        <translation>Urgente (dictamen en 72 horas)</translation>
    </message>
    <message>
        <source>Emergenc&amp;y already performed on:</source>
        <translation>Urgencia ya reali&amp;zada el:</translation>
    </message>
    <message>
        <source>The service was performed before authorization; file it within 72 hours.</source>
        <translation>El servicio se realizó antes de autorizarse; preséntela dentro de las 72 horas.</translation>
    </message>
    <message>
        <source>Date the emergency was performed</source>
        <translation>Fecha en que se realizó la urgencia</translation>
    </message>
    <message>
        <source>hh:mm</source>
        <translation>hh:mm</translation>
    </message>
    <message>
        <source>Hour the emergency was performed</source>
        <translation>Hora en que se realizó la urgencia</translation>
    </message>
    <message>
        <source>Hour the emergency was performed (hh:mm)</source>
        <translation>Hora en que se realizó la urgencia (hh:mm)</translation>
    </message>
    <message>
        <source>Requested service</source>
        <translation>Servicio solicitado</translation>
    </message>
    <message>
        <source>&amp;Study or procedure:</source>
        <translation>E&amp;studio o procedimiento:</translation>
    </message>
    <message>
        <source>&amp;Diagnosis (CIE-10):</source>
        <translation>&amp;Diagnóstico (CIE-10):</translation>
    </message>
    <message>
        <source>Performing &amp;unit:</source>
        <translation>&amp;Unidad de destino:</translation>
    </message>
    <message>
        <source>P&amp;riority:</source>
        <translation>P&amp;rioridad:</translation>
    </message>
    <message>
        <source>Clinical picture, findings and why this patient needs the service now (at least 30 characters).</source>
        <translation>Cuadro clínico, hallazgos y por qué este paciente necesita el servicio ahora (al menos 30 caracteres).</translation>
    </message>
    <message>
        <source>Clinical justification</source>
        <translation>Justificación clínica</translation>
    </message>
    <message>
        <source>&amp;Justification (what the specialist will read):</source>
        <translation>&amp;Justificación (lo que leerá el dictaminador):</translation>
    </message>
    <message>
        <source>Attached files</source>
        <translation>Archivos adjuntos</translation>
    </message>
    <message>
        <source>A&amp;ttach file…</source>
        <translation>Adjun&amp;tar archivo…</translation>
    </message>
    <message>
        <source>PDF, PNG or JPEG, up to 10 MB</source>
        <translation>PDF, PNG o JPEG, hasta 10 MB</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>&amp;Quitar</translation>
    </message>
    <message>
        <source>Attached files (PDF, PNG, JPEG · up to 10 MB)</source>
        <translation>Archivos adjuntos (PDF, PNG, JPEG · hasta 10 MB)</translation>
    </message>
    <message>
        <source>Findings of the automated review</source>
        <translation>Resultados de la revisión automática</translation>
    </message>
    <message>
        <source>Enter or double-click goes to the field to fix</source>
        <translation>Enter o doble clic lleva al campo que hay que corregir</translation>
    </message>
    <message>
        <source>Automated review</source>
        <translation>Revisión automática</translation>
    </message>
    <message>
        <source>Automated review chec&amp;ks:</source>
        <translation>Resu&amp;ltado de la revisión automática:</translation>
    </message>
    <message>
        <source>Sa&amp;ve draft</source>
        <translation>&amp;Guardar borrador</translation>
    </message>
    <message>
        <source>Save the draft in the database (Ctrl+S)</source>
        <translation>Guardar el borrador en la base de datos (Ctrl+S)</translation>
    </message>
    <message>
        <source>Submi&amp;t for review</source>
        <translation>&amp;Enviar a revisión</translation>
    </message>
    <message>
        <source>Run the automated review and send (Ctrl+Enter)</source>
        <translation>Ejecutar la revisión automática y enviar (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>%1 — %2 · needs ST2</source>
        <translation>%1 — %2 · requiere ST2</translation>
    </message>
    <message>
        <source>%1 — %2 · basic catalog, no ST2</source>
        <translation>%1 — %2 · catálogo básico, sin ST2</translation>
    </message>
    <message>
        <source>Choose the service from the list (Down shows it).</source>
        <translation>Elija el servicio de la lista (flecha abajo la muestra).</translation>
    </message>
    <message>
        <source>Type a code or words of the name; Down lists the services.</source>
        <translation>Escriba una clave o palabras del nombre; flecha abajo muestra los servicios.</translation>
    </message>
    <message>
        <source>In the basic catalog: it does not need an ST2; request it the ordinary way at your unit.</source>
        <translation>Está en el catálogo básico: no requiere ST2; solicítelo por la vía ordinaria de su unidad.</translation>
    </message>
    <message>
        <source>Needs ST2</source>
        <translation>Requiere ST2</translation>
    </message>
    <message>
        <source>valid %1 days once authorized</source>
        <translation>vigencia de %1 días al autorizarse</translation>
    </message>
    <message>
        <source>women only</source>
        <translation>solo mujeres</translation>
    </message>
    <message>
        <source>men only</source>
        <translation>solo hombres</translation>
    </message>
    <message>
        <source>from %1 years</source>
        <translation>desde %1 años</translation>
    </message>
    <message>
        <source>up to %1 years</source>
        <translation>hasta %1 años</translation>
    </message>
    <message>
        <source>Code or words of the description; Down lists them.</source>
        <translation>Código o palabras de la descripción; flecha abajo los muestra.</translation>
    </message>
    <message>
        <source>Choose the diagnosis from the list.</source>
        <translation>Elija el diagnóstico de la lista.</translation>
    </message>
    <message>
        <source>«%1» is not a CIE-10 code of the catalog.</source>
        <translation>«%1» no es un código CIE-10 del catálogo.</translation>
    </message>
    <message>
        <source>%1 / %2 characters (at least %3)</source>
        <translation>%1 / %2 caracteres (mínimo %3)</translation>
    </message>
    <message>
        <source>Write the date it was performed.</source>
        <translation>Escriba la fecha en que se realizó.</translation>
    </message>
    <message>
        <source>More than 72 hours ago: it will be reviewed as filed late.</source>
        <translation>Hace más de 72 horas: se revisará como presentada fuera de plazo.</translation>
    </message>
    <message>
        <source>Reviewed as an urgent request.</source>
        <translation>Se revisa como solicitud urgente.</translation>
    </message>
    <message>
        <source>Recorded as an emergency already performed. If that was a mistake, cancel it in My requests and make a new request.</source>
        <translation>Registrada como urgencia ya realizada. Si fue un error, cancélela en Mis solicitudes y elabore una solicitud nueva.</translation>
    </message>
    <message>
        <source>This request was already sent: it can no longer become an emergency.</source>
        <translation>Esta solicitud ya se envió: ya no puede registrarse como urgencia.</translation>
    </message>
    <message>
        <source>New ST2 request</source>
        <translation>Nueva solicitud ST2</translation>
    </message>
    <message>
        <source>ST2 request %1</source>
        <translation>Solicitud ST2 %1</translation>
    </message>
    <message>
        <source>Unsaved changes NOT kept on this computer (retrying): %1</source>
        <translation>Cambios sin guardar que NO se pudieron conservar en este equipo (reintentando): %1</translation>
    </message>
    <message>
        <source>unsaved changes, kept on this computer</source>
        <translation>cambios sin guardar, conservados en este equipo</translation>
    </message>
    <message>
        <source>saved in the database at %1</source>
        <translation>guardada en la base de datos a las %1</translation>
    </message>
    <message>
        <source>not saved yet</source>
        <translation>sin guardar todavía</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Cambios sin guardar</translation>
    </message>
    <message>
        <source>The form has changes that are not saved in the database. Discard them?</source>
        <translation>El formulario tiene cambios que no se han guardado en la base de datos. ¿Descartarlos?</translation>
    </message>
    <message>
        <source>Request %1 can no longer be edited: its status is «%2».</source>
        <translation>La solicitud %1 ya no se puede modificar: su estado es «%2».</translation>
    </message>
    <message>
        <source>Choose the study or procedure from the list.</source>
        <translation>Elija el estudio o procedimiento de la lista.</translation>
    </message>
    <message>
        <source>Choose the performing unit from the list.</source>
        <translation>Elija la unidad de destino de la lista.</translation>
    </message>
    <message>
        <source>Ctrl+S saves the draft · Ctrl+Enter submits · kept on this computer as you type</source>
        <translation>Ctrl+S guarda el borrador · Ctrl+Enter envía · se conserva en este equipo mientras escribe</translation>
    </message>
    <message>
        <source>Write the date the emergency was performed.</source>
        <translation>Escriba la fecha en que se realizó la urgencia.</translation>
    </message>
    <message>
        <source>The draft changed</source>
        <translation>El borrador cambió</translation>
    </message>
    <message>
        <source>Reload the draft from the database? The changes in this form will be lost.</source>
        <translation>¿Recargar el borrador desde la base de datos? Se perderán los cambios de este formulario.</translation>
    </message>
    <message>
        <source>The form is empty: there is nothing to save yet.</source>
        <translation>El formulario está vacío: todavía no hay nada que guardar.</translation>
    </message>
    <message>
        <source>The form is empty: fill in the request first.</source>
        <translation>El formulario está vacío: primero llene la solicitud.</translation>
    </message>
    <message>
        <source>Warnings the specialist will see:</source>
        <translation>Advertencias que verá el dictaminador:</translation>
    </message>
    <message>
        <source>Request %1 is under review.</source>
        <translation>La solicitud %1 está en revisión.</translation>
    </message>
    <message>
        <source>Must be fixed: </source>
        <translation>Por corregir: </translation>
    </message>
    <message>
        <source>Warning: </source>
        <translation>Advertencia: </translation>
    </message>
    <message>
        <source>The request was not submitted: fix what is listed and submit again.</source>
        <translation>La solicitud no se envió: corrija lo que se indica y vuelva a enviarla.</translation>
    </message>
    <message>
        <source>The last submission found problems to fix:</source>
        <translation>El último envío encontró problemas por corregir:</translation>
    </message>
    <message>
        <source>Warnings only: the request can be submitted; the specialist will see them.</source>
        <translation>Solo advertencias: la solicitud puede enviarse; el dictaminador las verá.</translation>
    </message>
    <message>
        <source>Attach a file</source>
        <translation>Adjuntar un archivo</translation>
    </message>
    <message>
        <source>PDF and images (*.pdf *.png *.jpg *.jpeg);;All files (*)</source>
        <translation>PDF e imágenes (*.pdf *.png *.jpg *.jpeg);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Remove file</source>
        <translation>Quitar archivo</translation>
    </message>
    <message>
        <source>Remove «%1» from the request?</source>
        <translation>¿Quitar «%1» de la solicitud?</translation>
    </message>
</context>
</TS>
