<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>PrintPreview</name>
    <message>
        <source>No PDF viewer could be opened on this workstation. Use “Save PDF…” and print the file from another program.
%1</source>
        <translation>No se pudo abrir un visor de PDF en esta estación. Use «Guardar PDF…» e imprima el archivo desde otro programa.
%1</translation>
    </message>
    <message>
        <source>Save PDF</source>
        <translation>Guardar PDF</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>Documentos PDF (*.pdf)</translation>
    </message>
    <message>
        <source>The file could not be saved: %1</source>
        <translation>No se pudo guardar el archivo: %1</translation>
    </message>
</context>
</TS>
