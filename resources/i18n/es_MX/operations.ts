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
            <source>Cancel</source>
            <translation>Cancelar</translation>
        </message>
        <message>
            <source>The operation failed unexpectedly; nothing was changed.</source>
            <translation>La operación falló de forma inesperada; no se modificó nada.</translation>
        </message>
    </context>
</TS>