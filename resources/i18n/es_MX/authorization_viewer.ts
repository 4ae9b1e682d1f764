<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>AuthorizationViewer</name>
    <message>
        <source>Authorization number, request folio or NSS — or scan the slip&apos;s code</source>
        <translation>Número de autorización, folio de solicitud o NSS — o escanee el código del comprobante</translation>
    </message>
    <message>
        <source>&amp;Find:</source>
        <translation>&amp;Buscar:</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>Buscar</translation>
    </message>
    <message>
        <source>Authorization</source>
        <translation>Autorización</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <source>Agregado</source>
        <translation>Agregado</translation>
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
        <source>Patient:</source>
        <translation>Paciente:</translation>
    </message>
    <message>
        <source>NSS / agregado:</source>
        <translation>NSS / agregado:</translation>
    </message>
    <message>
        <source>Service:</source>
        <translation>Servicio:</translation>
    </message>
    <message>
        <source>Performing unit:</source>
        <translation>Unidad de destino:</translation>
    </message>
    <message>
        <source>Authorized by:</source>
        <translation>Autorizó:</translation>
    </message>
    <message>
        <source>Validity:</source>
        <translation>Vigencia:</translation>
    </message>
    <message>
        <source>Scheduling note:</source>
        <translation>Nota de programación:</translation>
    </message>
    <message>
        <source>Request folio:</source>
        <translation>Folio de solicitud:</translation>
    </message>
    <message>
        <source>Use recorded:</source>
        <translation>Uso registrado:</translation>
    </message>
    <message>
        <source>Scan the code on the patient&apos;s slip, or type the authorization number, the request folio or the NSS, and press Enter.</source>
        <translation>Escanee el código del comprobante del paciente, o escriba el número de autorización, el folio de la solicitud o el NSS, y oprima Entrar.</translation>
    </message>
    <message>
        <source>&amp;Print slip (Ctrl+P)</source>
        <translation>I&amp;mprimir comprobante (Ctrl+P)</translation>
    </message>
    <message>
        <source>Save P&amp;DF…</source>
        <translation>&amp;Guardar PDF…</translation>
    </message>
    <message>
        <source>Record &amp;use (Ctrl+U)</source>
        <translation>Registrar &amp;uso (Ctrl+U)</translation>
    </message>
    <message>
        <source>The patient presented and the service was performed</source>
        <translation>El paciente se presentó y se realizó el servicio</translation>
    </message>
    <message>
        <source>&amp;Clear (Esc)</source>
        <translation>&amp;Limpiar (Esc)</translation>
    </message>
    <message>
        <source>Clear and search again</source>
        <translation>Limpiar y buscar de nuevo</translation>
    </message>
    <message>
        <source>Warning: the scanned code could not be verified. %1 What is shown is the authorization as registered.</source>
        <translation>Atención: no se pudo verificar el código escaneado. %1 Se muestra la autorización tal como está registrada.</translation>
    </message>
    <message>
        <source>Valid until %1</source>
        <translation>Vigente hasta %1</translation>
    </message>
    <message>
        <source>Not yet valid (from %1)</source>
        <translation>No vigente aún (desde %1)</translation>
    </message>
    <message>
        <source>Used on %1</source>
        <translation>Utilizada el %1</translation>
    </message>
    <message>
        <source>Expired on %1</source>
        <translation>Vencida el %1</translation>
    </message>
    <message>
        <source>Save the slip as a PDF file</source>
        <translation>Guarda el comprobante como archivo PDF</translation>
    </message>
    <message>
        <source>Ctrl+P prints the slip · Ctrl+Shift+P chooses the printer · Ctrl+U records the use · Esc clears</source>
        <translation>Ctrl+P imprime el comprobante · Ctrl+Mayús+P elige la impresora · Ctrl+U registra el uso · Esc limpia</translation>
    </message>
    <message>
        <source>Print the slip on this workstation&apos;s printer (the first time, choose it)</source>
        <translation>Imprime el comprobante en la impresora de esta estación (la primera vez, elíjala)</translation>
    </message>
    <message>
        <source>Print&amp;…</source>
        <translation>&amp;Imprimir…</translation>
    </message>
    <message>
        <source>Choose the printer, then print (Ctrl+Shift+P)</source>
        <translation>Elegir la impresora y después imprimir (Ctrl+Mayús+P)</translation>
    </message>
    <message>
        <source>Pre&amp;view</source>
        <translation>&amp;Vista previa</translation>
    </message>
    <message>
        <source>See the slip as it will print</source>
        <translation>Ver el comprobante tal como se imprimirá</translation>
    </message>
    <message>
        <source>Half-letter sheet</source>
        <translation>Hoja media carta</translation>
    </message>
    <message>
        <source>Two per letter sheet (cut line)</source>
        <translation>Dos por hoja carta (línea de corte)</translation>
    </message>
    <message>
        <source>Paper for the slips on this workstation</source>
        <translation>Papel de los comprobantes en esta estación</translation>
    </message>
    <message>
        <source>Print &amp;all listed</source>
        <translation>Imprimir &amp;todos</translation>
    </message>
    <message>
        <source>Print the slips of every authorization listed</source>
        <translation>Imprimir los comprobantes de todas las autorizaciones de la lista</translation>
    </message>
    <message>
        <source>Print slip</source>
        <translation>Imprimir comprobante</translation>
    </message>
    <message>
        <source>Print slip…</source>
        <translation>Imprimir comprobante…</translation>
    </message>
    <message>
        <source>Record use</source>
        <translation>Registrar uso</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Limpiar</translation>
    </message>
    <message>
        <source>Type an authorization number, a request folio or an NSS, or scan the slip&apos;s code.</source>
        <translation>Escriba un número de autorización, un folio de solicitud o un NSS, o escanee el código del comprobante.</translation>
    </message>
    <message>
        <source>%1 authorizations for NSS %2, newest first. Choose one with the arrow keys.</source>
        <translation>%1 autorizaciones para el NSS %2, la más reciente primero. Elija una con las flechas.</translation>
    </message>
    <message>
        <source>%1 authorizations found, newest first. Choose one with the arrow keys.</source>
        <translation>Se encontraron %1 autorizaciones, la más reciente primero. Elija una con las flechas.</translation>
    </message>
    <message>
        <source>Print &amp;all listed (%1)</source>
        <translation>Imprimir &amp;todos (%1)</translation>
    </message>
    <message>
        <source>&amp;Results:</source>
        <translation>&amp;Resultados:</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>Utilizada</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelada</translation>
    </message>
    <message>
        <source>VALID until %1</source>
        <translation>VIGENTE hasta %1</translation>
    </message>
    <message>
        <source>NOT YET VALID — from %1</source>
        <translation>NO VIGENTE AÚN — a partir del %1</translation>
    </message>
    <message>
        <source>USED on %1</source>
        <translation>UTILIZADA el %1</translation>
    </message>
    <message>
        <source>USED</source>
        <translation>UTILIZADA</translation>
    </message>
    <message>
        <source>EXPIRED on %1</source>
        <translation>VENCIDA el %1</translation>
    </message>
    <message>
        <source>CANCELLED</source>
        <translation>CANCELADA</translation>
    </message>
    <message>
        <source>%1, on %2</source>
        <translation>%1, el %2</translation>
    </message>
    <message>
        <source>from %1 to %2</source>
        <translation>del %1 al %2</translation>
    </message>
    <message>
        <source>(retroactive: emergency performed before authorization)</source>
        <translation>(retroactiva: urgencia realizada antes de autorizarse)</translation>
    </message>
    <message>
        <source>%1, by %2</source>
        <translation>%1, por %2</translation>
    </message>
    <message>
        <source>This authorization is for %1: the patient presents there, and the use is recorded there. Here you can print the slip.</source>
        <translation>Esta autorización es para %1: ahí se presenta el paciente y ahí se registra el uso. Aquí puede imprimir el comprobante.</translation>
    </message>
    <message>
        <source>Printing cancelled; nothing was printed.</source>
        <translation>Impresión cancelada; no se imprimió nada.</translation>
    </message>
    <message>
        <source>The slip was not printed.</source>
        <translation>El comprobante no se imprimió.</translation>
    </message>
    <message>
        <source>Slip %1 sent to %2.</source>
        <translation>Comprobante %1 enviado a «%2».</translation>
    </message>
    <message>
        <source>%1 slips sent to %2.</source>
        <translation>%1 comprobantes enviados a «%2».</translation>
    </message>
    <message>
        <source>Printing slips…</source>
        <translation>Imprimiendo comprobantes…</translation>
    </message>
    <message>
        <source>Slip saved in %1.</source>
        <translation>Comprobante guardado en %1.</translation>
    </message>
    <message>
        <source>Record that %1 presented and the service “%2” was performed?

Authorization %3. This cannot be undone.</source>
        <translation>¿Registrar que %1 se presentó y se realizó el servicio «%2»?

Autorización %3. Esto no se puede deshacer.</translation>
    </message>
    <message>
        <source>Use of %1 recorded.</source>
        <translation>Se registró el uso de %1.</translation>
    </message>
</context>
</TS>
