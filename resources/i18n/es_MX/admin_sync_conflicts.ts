<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>ResolveDialog</name>
    <message>
        <source>Keep this site&apos;s version</source>
        <translation>Conservar la versión de este sitio</translation>
    </message>
    <message>
        <source>Dismiss the conflict</source>
        <translation>Descartar el conflicto</translation>
    </message>
    <message>
        <source>&amp;Keep this site&apos;s version</source>
        <translation>&amp;Conservar la versión de este sitio</translation>
    </message>
    <message>
        <source>&amp;Dismiss</source>
        <translation>&amp;Descartar</translation>
    </message>
    <message>
        <source>This database keeps its own version of %1; the next import of the same bundle leaves that record (and what depends on it) out and brings the rest.</source>
        <translation>Esta base de datos conserva su propia versión de %1; la próxima importación del mismo paquete deja fuera ese registro (y lo que depende de él) e importa el resto.</translation>
    </message>
    <message>
        <source>Nothing is kept here: the conflict is closed and the bundle stays refused until the other site sends one without it.</source>
        <translation>Aquí no se conserva nada: el conflicto se cierra y el paquete sigue rechazado hasta que el otro sitio envíe uno sin él.</translation>
    </message>
    <message>
        <source>Conflict:</source>
        <translation>Conflicto:</translation>
    </message>
    <message>
        <source>&amp;Why (10 to 500 characters):</source>
        <translation>&amp;Por qué (de 10 a 500 caracteres):</translation>
    </message>
</context>
<context>
    <name>SyncConflictsTab</name>
    <message>
        <source>A bundle with a conflict or a refused record is not imported at all. Decide each one, then import the bundle again in the Sync tab.</source>
        <translation>Un paquete con un conflicto o un registro no aceptado no se importa en absoluto. Decida cada uno y vuelva a importar el paquete en la pestaña Sincronización.</translation>
    </message>
    <message>
        <source>Show decided ones too</source>
        <translation>Mostrar también los decididos</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>N.º</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Sitio</translation>
    </message>
    <message>
        <source>Folio</source>
        <translation>Folio</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>Informado</translation>
    </message>
    <message>
        <source>What sync said</source>
        <translation>Lo que informó la sincronización</translation>
    </message>
    <message>
        <source>Sync conflicts</source>
        <translation>Conflictos de sincronización</translation>
    </message>
    <message>
        <source>&amp;Keep this site&apos;s version…</source>
        <translation>&amp;Conservar la versión de este sitio…</translation>
    </message>
    <message>
        <source>&amp;Dismiss…</source>
        <translation>&amp;Descartar…</translation>
    </message>
    <message>
        <source>conflict</source>
        <translation>conflicto</translation>
    </message>
    <message>
        <source>refused record</source>
        <translation>registro no aceptado</translation>
    </message>
    <message>
        <source>%1 to decide</source>
        <translation>%1 por decidir</translation>
    </message>
</context>
</TS>
