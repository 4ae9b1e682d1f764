<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>AttachmentOpener</name>
    <message>
        <source>There is no application on this computer to open %1. The file was saved in %2.</source>
        <translation>No hay en este equipo una aplicación para abrir %1. El archivo se guardó en %2.</translation>
    </message>
</context>
</TS>
