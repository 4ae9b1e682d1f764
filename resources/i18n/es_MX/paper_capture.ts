<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>PaperCapture</name>
    <message>
        <source>Folio</source>
        <translation>Folio</translation>
    </message>
    <message>
        <source>First surname</source>
        <translation>Primer apellido</translation>
    </message>
    <message>
        <source>Second surname</source>
        <translation>Segundo apellido</translation>
    </message>
    <message>
        <source>Given name(s)</source>
        <translation>Nombre(s)</translation>
    </message>
    <message>
        <source>NSS</source>
        <translation>NSS</translation>
    </message>
    <message>
        <source>Agregado médico</source>
        <translation>Agregado médico</translation>
    </message>
    <message>
        <source>CURP</source>
        <translation>CURP</translation>
    </message>
    <message>
        <source>Date of birth</source>
        <translation>Fecha de nacimiento</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Sexo</translation>
    </message>
    <message>
        <source>Study or procedure</source>
        <translation>Estudio o procedimiento</translation>
    </message>
    <message>
        <source>Diagnosis (CIE-10)</source>
        <translation>Diagnóstico (CIE-10)</translation>
    </message>
    <message>
        <source>Performing unit</source>
        <translation>Unidad de destino</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioridad</translation>
    </message>
    <message>
        <source>Date of the request</source>
        <translation>Fecha de la solicitud</translation>
    </message>
    <message>
        <source>Emergency already performed</source>
        <translation>Urgencia ya realizada</translation>
    </message>
    <message>
        <source>Date performed (emergency)</source>
        <translation>Fecha en que se realizó (urgencia)</translation>
    </message>
    <message>
        <source>Clinical justification</source>
        <translation>Justificación clínica</translation>
    </message>
    <message>
        <source>Name of the requesting physician</source>
        <translation>Nombre del médico solicitante</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>Hombre</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>Mujer</translation>
    </message>
    <message>
        <source>Ordinary</source>
        <translation>Ordinaria</translation>
    </message>
    <message>
        <source>Urgent (72 h)</source>
        <translation>Urgente (72 h)</translation>
    </message>
    <message>
        <source>1. Patient</source>
        <translation>1. Datos del paciente</translation>
    </message>
    <message>
        <source>2. Requested service</source>
        <translation>2. Servicio solicitado</translation>
    </message>
    <message>
        <source>Emergency</source>
        <translation>Urgencia</translation>
    </message>
    <message>
        <source>3. Clinical justification</source>
        <translation>3. Justificación clínica</translation>
    </message>
    <message>
        <source>4. Requesting physician</source>
        <translation>4. Médico solicitante</translation>
    </message>
    <message>
        <source>Paper ST2 capture</source>
        <translation>Captura de formatos ST2 en papel</translation>
    </message>
    <message>
        <source>&amp;Import filled PDFs…</source>
        <translation>&amp;Importar PDF llenados…</translation>
    </message>
    <message>
        <source>Import fillable PDFs filled at a unit without the application, several at once (Ctrl+O)</source>
        <translation>Importar los PDF llenables que llenó una unidad sin la aplicación, varios a la vez (Ctrl+O)</translation>
    </message>
    <message>
        <source>Print &amp;blank forms…</source>
        <translation>Imprimir formatos en &amp;blanco…</translation>
    </message>
    <message>
        <source>Reserve a block of folios and print its blank forms (administrators)</source>
        <translation>Reservar un bloque de folios e imprimir sus formatos en blanco (administradores)</translation>
    </message>
    <message>
        <source>&amp;Capture</source>
        <translation>&amp;Capturar</translation>
    </message>
    <message>
        <source>Record the form as a request (Ctrl+Enter)</source>
        <translation>Registrar el formato como solicitud (Ctrl+Intro)</translation>
    </message>
    <message>
        <source>Clea&amp;r form</source>
        <translation>&amp;Limpiar formulario</translation>
    </message>
    <message>
        <source>Start the next paper form (Ctrl+N)</source>
        <translation>Empezar el siguiente formato (Ctrl+N)</translation>
    </message>
    <message>
        <source>Attach sc&amp;an…</source>
        <translation>&amp;Adjuntar escaneo…</translation>
    </message>
    <message>
        <source>PDF, PNG or JPEG, up to %1 MB</source>
        <translation>PDF, PNG o JPEG, hasta %1 MB</translation>
    </message>
    <message>
        <source>Remo&amp;ve</source>
        <translation>&amp;Quitar</translation>
    </message>
    <message>
        <source>Type it, or scan the QR code of the form: Enter goes on to the patient.</source>
        <translation>Escríbalo o lea el código QR del formato: Intro pasa a los datos del paciente.</translation>
    </message>
    <message>
        <source>Folio of the form</source>
        <translation>Folio del formato</translation>
    </message>
    <message>
        <source>Scan of the paper form (optional)</source>
        <translation>Escaneo del formato (opcional)</translation>
    </message>
    <message>
        <source>Result of the last capture</source>
        <translation>Resultado de la última captura</translation>
    </message>
    <message>
        <source>Enter or double-click on a problem goes to its field</source>
        <translation>Intro o doble clic en un problema lleva a su campo</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <source>Copy the form as written, in the paper&apos;s order · Ctrl+Enter captures · Ctrl+N clears</source>
        <translation>Copie el formato tal como está escrito, en el orden del papel · Ctrl+Intro captura · Ctrl+N limpia</translation>
    </message>
    <message>
        <source>Hour (hh:mm)</source>
        <translation>Hora (hh:mm)</translation>
    </message>
    <message>
        <source>Professional licence (or user name)</source>
        <translation>Cédula profesional (o usuario)</translation>
    </message>
    <message>
        <source>As written on the paper: %1</source>
        <translation>Tal como está escrita en el papel: %1</translation>
    </message>
    <message>
        <source>Copy the text as written; a continuation sheet goes after it.</source>
        <translation>Copie el texto tal como está escrito; si sigue en una hoja aparte, agréguelo al final.</translation>
    </message>
    <message>
        <source>%1 characters</source>
        <translation>%1 caracteres</translation>
    </message>
    <message>
        <source>Optional</source>
        <translation>Opcional</translation>
    </message>
    <message>
        <source>✓ %1 · reserved for %2 — %3</source>
        <translation>✓ %1 · reservado para %2 — %3</translation>
    </message>
    <message>
        <source>Not a catalog code: it must match a service&apos;s name exactly.</source>
        <translation>No es una clave del catálogo: deberá coincidir exactamente con el nombre de un servicio.</translation>
    </message>
    <message>
        <source>%1 — %2 · basic catalog: it needs no ST2 and will stay a draft for the physician.</source>
        <translation>%1 — %2 · catálogo básico: no requiere ST2 y quedará como borrador para el médico.</translation>
    </message>
    <message>
        <source>«%1» is not in the CIE-10 catalog.</source>
        <translation>«%1» no está en el catálogo CIE-10.</translation>
    </message>
    <message>
        <source>«%1» is not a hospital of the catalog; write the unit&apos;s code, e.g. 09HGZ24.</source>
        <translation>«%1» no es un hospital del catálogo; escriba la clave de la unidad, p. ej. 09HGZ24.</translation>
    </message>
    <message>
        <source>%1 / %2 characters (at least %3)</source>
        <translation>%1 / %2 caracteres (mínimo %3)</translation>
    </message>
    <message>
        <source>Capturing…</source>
        <translation>Capturando…</translation>
    </message>
    <message>
        <source>Blank form: type or scan the folio to begin.</source>
        <translation>Formulario en blanco: escriba o lea el folio para empezar.</translation>
    </message>
    <message>
        <source>Not captured yet · NOT kept on this computer (retrying): %1</source>
        <translation>Aún no capturado · NO se pudo guardar en este equipo (reintentando): %1</translation>
    </message>
    <message>
        <source>Not captured yet · kept on this computer as you type</source>
        <translation>Aún sin capturar · se guarda en este equipo mientras escribe</translation>
    </message>
    <message>
        <source>Scan of the paper form</source>
        <translation>Escaneo del formato en papel</translation>
    </message>
    <message>
        <source>PDF and images (*.pdf *.png *.jpg *.jpeg);;All files (*)</source>
        <translation>PDF e imágenes (*.pdf *.png *.jpg *.jpeg);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>The file is empty.</source>
        <translation>El archivo está vacío.</translation>
    </message>
    <message>
        <source>No scan attached.</source>
        <translation>Sin escaneo adjunto.</translation>
    </message>
    <message>
        <source>The form is empty: copy the paper form first.</source>
        <translation>El formulario está vacío: copie primero el formato en papel.</translation>
    </message>
    <message>
        <source>Capturing the paper form…</source>
        <translation>Capturando el formato en papel…</translation>
    </message>
    <message>
        <source>Another workstation recorded the same data at the same moment (probably this folio); nothing was recorded here. Capture again to see what is left to do.</source>
        <translation>Otra estación registró los mismos datos en el mismo momento (probablemente este folio); aquí no se registró nada. Capture de nuevo para ver qué falta.</translation>
    </message>
    <message>
        <source>The form could not be captured because of an unexpected error; nothing was recorded and what you typed is still here.</source>
        <translation>No se pudo capturar el formato por un error inesperado; no se registró nada y lo escrito sigue aquí.</translation>
    </message>
    <message>
        <source>Not captured: %1</source>
        <translation>No se capturó: %1</translation>
    </message>
    <message>
        <source>Nothing was recorded: correct the problem marked and capture again.</source>
        <translation>No se registró nada: corrija el problema señalado y capture de nuevo.</translation>
    </message>
    <message>
        <source>Nothing was recorded: correct the %1 problems marked and capture again.</source>
        <translation>No se registró nada: corrija los %1 problemas señalados y capture de nuevo.</translation>
    </message>
    <message>
        <source>Folio %1 was recorded and sent for review (status: %2).</source>
        <translation>El folio %1 se registró y se envió a dictamen (estado: %2).</translation>
    </message>
    <message>
        <source>Folio %1 was recorded as a draft (status: %2): the physician must correct what is listed and submit it.</source>
        <translation>El folio %1 se registró como borrador (estado: %2): el médico debe corregir lo señalado y enviarlo.</translation>
    </message>
    <message>
        <source>Clear the form</source>
        <translation>Limpiar el formulario</translation>
    </message>
    <message>
        <source>Clear what is typed? It has not been captured.</source>
        <translation>¿Borrar lo escrito? Aún no se ha capturado.</translation>
    </message>
    <message>
        <source>A capture not finished was recovered on this computer; check it and capture it.</source>
        <translation>Se recuperó en este equipo una captura sin terminar; revísela y captúrela.</translation>
    </message>
    <message>
        <source>Filled PDF forms to import</source>
        <translation>Formatos PDF llenados para importar</translation>
    </message>
    <message>
        <source>PDF forms (*.pdf);;All files (*)</source>
        <translation>Formatos PDF (*.pdf);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Importing 1 PDF form…</source>
        <translation>Importando 1 formato PDF…</translation>
    </message>
    <message>
        <source>Importing %1 PDF forms…</source>
        <translation>Importando %1 formatos PDF…</translation>
    </message>
    <message>
        <source>The import stopped because of an unexpected error; files already reported as imported stay imported.</source>
        <translation>La importación se detuvo por un error inesperado; los archivos ya importados quedan importados.</translation>
    </message>
</context>
</TS>
