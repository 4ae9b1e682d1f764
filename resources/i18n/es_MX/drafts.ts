<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>Drafts</name>
    <message>
        <source>What you typed could not be kept on this computer:
%1

If you close now it will be lost. Close anyway?</source>
        <translation>Lo escrito no se pudo guardar en este equipo:
%1

Si cierra ahora, se perderá. ¿Cerrar de todos modos?</translation>
    </message>
</context>
</TS>
