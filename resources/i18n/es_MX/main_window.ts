<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>MainWindow</name>
    <message>
        <source>ST2 authorizations</source>
        <translation>Autorizaciones ST2</translation>
    </message>
    <message>
        <source>No connection to the server — retrying. What you have typed is kept; actions that need the server will work again when it is back.</source>
        <translation>Sin conexión con el servidor — reintentando. Lo escrito se conserva; las acciones que necesitan el servidor volverán a funcionar cuando regrese.</translation>
    </message>
    <message>
        <source>Connection to the server restored.</source>
        <translation>Se restableció la conexión con el servidor.</translation>
    </message>
    <message>
        <source>This computer&apos;s clock is %1 min behind the server&apos;s.</source>
        <translation>El reloj de este equipo va %1 min atrasado respecto al del servidor.</translation>
    </message>
    <message>
        <source>This computer&apos;s clock is %1 min ahead of the server&apos;s.</source>
        <translation>El reloj de este equipo va %1 min adelantado respecto al del servidor.</translation>
    </message>
    <message>
        <source>st2desk records the server&apos;s time; ask for this computer&apos;s clock to be corrected.</source>
        <translation>st2desk registra la hora del servidor; pida que corrijan el reloj de este equipo.</translation>
    </message>
    <message>
        <source>New request</source>
        <translation>Nueva solicitud</translation>
    </message>
    <message>
        <source>My requests</source>
        <translation>Mis solicitudes</translation>
    </message>
    <message>
        <source>Inbox</source>
        <translation>Bandeja de dictamen</translation>
    </message>
    <message>
        <source>Appeals</source>
        <translation>Recursos de revisión</translation>
    </message>
    <message>
        <source>Paper capture</source>
        <translation>Captura en papel</translation>
    </message>
    <message>
        <source>Authorizations</source>
        <translation>Autorizaciones</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Reportes</translation>
    </message>
    <message>
        <source>Administration</source>
        <translation>Administración</translation>
    </message>
    <message>
        <source>&amp;Session</source>
        <translation>&amp;Sesión</translation>
    </message>
    <message>
        <source>&amp;Lock now</source>
        <translation>&amp;Bloquear ahora</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Preferencias…</translation>
    </message>
    <message>
        <source>Sign &amp;out / switch user</source>
        <translation>Cerrar sesión / cambiar de &amp;usuario</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>Change my &amp;password…</source>
        <translation>Cambiar mi &amp;contraseña…</translation>
    </message>
    <message>
        <source>&amp;Back up the database…</source>
        <translation>&amp;Respaldar la base de datos…</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>&amp;Ir a</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>A&amp;yuda</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Atajos de teclado</translation>
    </message>
    <message>
        <source>&amp;About st2desk</source>
        <translation>&amp;Acerca de st2desk</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Atajos de teclado</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Acción</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Teclas</translation>
    </message>
    <message>
        <source>About st2desk</source>
        <translation>Acerca de st2desk</translation>
    </message>
    <message>
        <source>st2desk %1
ST2 medical-service authorization for IMSS units.</source>
        <translation>st2desk %1
Autorización de servicios médicos ST2 para unidades del IMSS.</translation>
    </message>
    <message>
        <source>Your password was changed.</source>
        <translation>Su contraseña se cambió.</translation>
    </message>
</context>
</TS>
