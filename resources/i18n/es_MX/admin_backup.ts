<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
    <context>
        <name>BackupTab</name>
        <message>
            <source>&amp;Back up the database…</source>
            <translation>&amp;Respaldar la base de datos…</translation>
        </message>
        <message>
            <source>&amp;Restore from a backup…</source>
            <translation>Res&amp;taurar desde un respaldo…</translation>
        </message>
        <message>
            <source>Back up</source>
            <translation>Respaldar</translation>
        </message>
        <message>
            <source>A consistent copy of the whole database, made while others keep working. Keep it away from this computer (a USB drive, another building).</source>
            <translation>Una copia consistente de toda la base de datos, hecha mientras los demás siguen trabajando. Guárdela lejos de esta computadora (una memoria USB, otro edificio).</translation>
        </message>
        <message>
            <source>Restore</source>
            <translation>Restaurar</translation>
        </message>
        <message>
            <source>This site's database is on a PostgreSQL server: back it up and restore it with the server's tools, run by whoever administers the server.</source>
            <translation>La base de datos de este sitio está en un servidor PostgreSQL: se respalda y se restaura con las herramientas del servidor, a cargo de quien lo administra.</translation>
        </message>
        <message>
            <source>After a pg_restore, “st2desk restore --counters-from URL” moves the counters past every number issued since the dump.</source>
            <translation>Después de un pg_restore, «st2desk restore --counters-from URL» adelanta los contadores más allá de todo número entregado desde el volcado.</translation>
        </message>
        <message>
            <source>Restore from a backup</source>
            <translation>Restaurar desde un respaldo</translation>
        </message>
        <message>
            <source>st2desk backups (*.sqlite3);;All files (*)</source>
            <translation>Respaldos de st2desk (*.sqlite3);;Todos los archivos (*)</translation>
        </message>
        <message>
            <source>Back up the database</source>
            <translation>Respaldar la base de datos</translation>
        </message>
        <message>
            <source>Backup written to %1.</source>
            <translation>Respaldo escrito en %1.</translation>
        </message>
        <message>
            <source>Backing up the database…</source>
            <translation>Respaldando la base de datos…</translation>
        </message>
        <message>
            <source>Replaces everything in this database with the backup's content. The backup is verified first (integrity, version, audit log); folio and authorization counters are never moved back, so no number already handed out is given again. Work done after the backup is lost. You sign in again afterwards.</source>
            <translation>Reemplaza todo el contenido de esta base de datos por el del respaldo. Antes se verifica el respaldo (integridad, versión, bitácora); los contadores de folios y autorizaciones nunca retroceden, así que ningún número ya entregado se vuelve a dar. Lo hecho después del respaldo se pierde. Después usted inicia sesión de nuevo.</translation>
        </message>
        <message>
            <source>Replace the whole database with %1? Work done after that backup is lost (its numbers are not reused).</source>
            <translation>¿Reemplazar toda la base de datos por %1? Lo hecho después de ese respaldo se pierde (sus números no se reutilizan).</translation>
        </message>
        <message>
            <source>Database restored from %1.</source>
            <translation>Base de datos restaurada desde %1.</translation>
        </message>
        <message>
            <source>Sign in again to go on with the restored data.</source>
            <translation>Inicie sesión de nuevo para seguir con los datos restaurados.</translation>
        </message>
        <message>
            <source>Verifying and restoring the backup…</source>
            <translation>Verificando y restaurando el respaldo…</translation>
        </message>
    </context>
</TS>