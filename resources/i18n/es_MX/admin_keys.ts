<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>KeysTab</name>
    <message>
        <source>Key</source>
        <translation>Llave</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Descripción</translation>
    </message>
    <message>
        <source>Fingerprint</source>
        <translation>Huella</translation>
    </message>
    <message>
        <source>Origin</source>
        <translation>Origen</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Agregada</translation>
    </message>
    <message>
        <source>To trust another site&apos;s key, export this one or exchange offline bundles, use the command line (st2desk sync …).</source>
        <translation>Para confiar en la llave de otro sitio, exportar esta o intercambiar paquetes sin red, use la línea de comandos (st2desk sync …).</translation>
    </message>
    <message>
        <source>This computer has no signing key yet; it is made the first time a slip or a bundle is signed.</source>
        <translation>Esta computadora aún no tiene llave de firma; se crea la primera vez que se firma un comprobante o un paquete.</translation>
    </message>
    <message>
        <source>This site&apos;s key: %1 — fingerprint %2</source>
        <translation>Llave de este sitio: %1 — huella %2</translation>
    </message>
    <message>
        <source>this site</source>
        <translation>este sitio</translation>
    </message>
    <message>
        <source>trusted</source>
        <translation>de confianza</translation>
    </message>
</context>
</TS>
