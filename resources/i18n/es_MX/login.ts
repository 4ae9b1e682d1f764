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
        <source>&amp;New password:</source>
        <translation>Contraseña &amp;nueva:</translation>
    </message>
    <message>
        <source>&amp;Repeat it:</source>
        <translation>&amp;Repítala:</translation>
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
    <message>
        <source>Your password was reset by an administrator. Choose a new password to continue.</source>
        <translation>Un administrador restableció su contraseña. Elija una contraseña nueva para continuar.</translation>
    </message>
    <message>
        <source>Change password</source>
        <translation>Cambiar contraseña</translation>
    </message>
    <message>
        <source>The two passwords are not the same.</source>
        <translation>Las dos contraseñas no son iguales.</translation>
    </message>
</context>
</TS>
