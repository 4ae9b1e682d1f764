<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>LoginDialog</name>
    <message>
        <source>ST2 medical-service authorization</source>
        <translation>Autorización de servicios médicos ST2</translation>
    </message>
    <message>
        <source>The session was locked after a period of inactivity. Enter your password to continue; your open work is kept.</source>
        <translation>La sesión se bloqueó por inactividad. Escriba su contraseña para continuar; su trabajo abierto se conserva.</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Usuario:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Contraseña:</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Iniciar sesión</translation>
    </message>
    <message>
        <source>Session locked</source>
        <translation>Sesión bloqueada</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Desbloquear</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
</context>
</TS>
