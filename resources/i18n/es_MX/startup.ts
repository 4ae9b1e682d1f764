<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>WaitForDatabaseDialog</name>
    <message>
        <source>No connection</source>
        <translation>Sin conexión</translation>
    </message>
    <message>
        <source>Retrying every few seconds…</source>
        <translation>Reintentando cada pocos segundos…</translation>
    </message>
    <message>
        <source>&amp;Retry now</source>
        <translation>&amp;Reintentar ahora</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>Trying to connect…</source>
        <translation>Intentando conectar…</translation>
    </message>
    <message>
        <source>Still no connection; retrying every few seconds…</source>
        <translation>Todavía sin conexión; reintentando cada pocos segundos…</translation>
    </message>
</context>
</TS>
