<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>ImportReportDialog</name>
    <message>
        <source>PDF import</source>
        <translation>Importación de PDF</translation>
    </message>
    <message>
        <source>Result of each file</source>
        <translation>Resultado de cada archivo</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>&amp;Copy report</source>
        <translation>&amp;Copiar informe</translation>
    </message>
    <message>
        <source>Rejected: nothing recorded</source>
        <translation>Rechazado: no se registró nada</translation>
    </message>
    <message>
        <source>Sent for review</source>
        <translation>Enviado a dictamen</translation>
    </message>
    <message>
        <source>Draft: the physician must correct it</source>
        <translation>Borrador: el médico debe corregirlo</translation>
    </message>
    <message>
        <source>Imported %1 of %2 files (%3 sent for review, %4 as drafts, %5 rejected).</source>
        <translation>Importados %1 de %2 archivos (%3 enviados a dictamen, %4 como borrador, %5 rechazados).</translation>
    </message>
    <message>
        <source>Cancelled: %1 of the %2 files chosen were not processed.</source>
        <translation>Cancelado: %1 de los %2 archivos elegidos no se procesaron.</translation>
    </message>
    <message>
        <source>Must be corrected by the physician: %1</source>
        <translation>El médico debe corregir: %1</translation>
    </message>
    <message>
        <source>Warning for the specialist: %1</source>
        <translation>Advertencia para el dictaminador: %1</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Nota: %1</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Archivo</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <source>Folio</source>
        <translation>Folio</translation>
    </message>
</context>
</TS>
