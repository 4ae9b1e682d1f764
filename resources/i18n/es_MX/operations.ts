<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>Operations</name>
    <message>
        <source>st2desk</source>
        <translation>st2desk</translation>
    </message>
    <message>
        <source>Another workstation is saving changes; waiting for it…</source>
        <translation>Otra estación está guardando cambios; esperando a que termine…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Another workstation is saving changes; waiting for it… %1 s</source>
        <translation>Otra estación está guardando cambios; esperando a que termine… %1 s</translation>
    </message>
</context>
</TS>
