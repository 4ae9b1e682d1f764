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
        <source>&amp;Name this site…</source>
        <translation>&amp;Nombrar este sitio…</translation>
    </message>
    <message>
        <source>&amp;Export this site&apos;s key…</source>
        <translation>&amp;Exportar la llave de este sitio…</translation>
    </message>
    <message>
        <source>This site</source>
        <translation>Este sitio</translation>
    </message>
    <message>
        <source>Fingerprint</source>
        <translation>Huella</translation>
    </message>
    <message>
        <source>Site</source>
        <translation>Sitio</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>May sign for</source>
        <translation>Puede firmar por</translation>
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
        <source>Keys of this database</source>
        <translation>Llaves de esta base de datos</translation>
    </message>
    <message>
        <source>&amp;Trust another site&apos;s key…</source>
        <translation>&amp;Confiar en la llave de otro sitio…</translation>
    </message>
    <message>
        <source>&amp;Revoke…</source>
        <translation>&amp;Revocar…</translation>
    </message>
    <message>
        <source>Site %1 “%2”, signs for: %3.</source>
        <translation>Sitio %1 «%2», firma por: %3.</translation>
    </message>
    <message>
        <source>This computer has no signing key yet; it is made the first time a slip or a bundle is signed, or the key is exported.</source>
        <translation>Este equipo aún no tiene llave de firma; se crea la primera vez que se firma un comprobante o un paquete, o que se exporta la llave.</translation>
    </message>
    <message>
        <source>Key %1, fingerprint %2.</source>
        <translation>Llave %1, huella %2.</translation>
    </message>
    <message>
        <source>this database</source>
        <translation>esta base de datos</translation>
    </message>
    <message>
        <source>Export this site&apos;s key</source>
        <translation>Exportar la llave de este sitio</translation>
    </message>
    <message>
        <source>Key files (*.txt);;All files (*)</source>
        <translation>Archivos de llaves (*.txt);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>This site&apos;s key was written to %1. Give it to the other site&apos;s administrator and read them its fingerprint by telephone: %2</source>
        <translation>La llave de este sitio se escribió en %1. Entréguela al administrador del otro sitio y dígale su huella por teléfono: %2</translation>
    </message>
    <message>
        <source>Trust another site&apos;s key</source>
        <translation>Confiar en la llave de otro sitio</translation>
    </message>
    <message>
        <source>Revoke a key</source>
        <translation>Revocar una llave</translation>
    </message>
    <message>
        <source>Stop trusting the key of site %1 “%2” (fingerprint %3)? Its bundles and slips will no longer be accepted here; what it already brought stays.</source>
        <translation>¿Dejar de confiar en la llave del sitio %1 «%2» (huella %3)? Sus paquetes y comprobantes ya no se aceptarán aquí; lo que ya trajo se conserva.</translation>
    </message>
    <message>
        <source>trusted</source>
        <translation>de confianza</translation>
    </message>
</context>
<context>
    <name>SiteDialog</name>
    <message>
        <source>This site</source>
        <translation>Este sitio</translation>
    </message>
    <message>
        <source>09UMF20,09HGZ24 — or * for every unit</source>
        <translation>09UMF20,09HGZ24 — o * para todas las unidades</translation>
    </message>
    <message>
        <source>Site &amp;code:</source>
        <translation>&amp;Clave del sitio:</translation>
    </message>
    <message>
        <source>Site &amp;name:</source>
        <translation>&amp;Nombre del sitio:</translation>
    </message>
    <message>
        <source>&amp;Units it signs for:</source>
        <translation>&amp;Unidades por las que firma:</translation>
    </message>
    <message>
        <source>Other sites trust this site&apos;s key for these units only: a unit working offline names its own unit; the central office, every unit (*).</source>
        <translation>Los otros sitios confían en la llave de este sitio solo para estas unidades: una unidad que trabaja sin red indica su propia unidad; la oficina central, todas (*).</translation>
    </message>
</context>
<context>
    <name>TrustKeyDialog</name>
    <message>
        <source>Trust another site&apos;s key</source>
        <translation>Confiar en la llave de otro sitio</translation>
    </message>
    <message>
        <source>&amp;Trust</source>
        <translation>&amp;Confiar</translation>
    </message>
    <message>
        <source>File %1. Before trusting it, compare each fingerprint with the one the other site&apos;s administrator reads to you (by telephone, not from the same e-mail or USB drive).</source>
        <translation>Archivo %1. Antes de confiar en él, compare cada huella con la que le dicte el administrador del otro sitio (por teléfono, no por el mismo correo o memoria USB).</translation>
    </message>
    <message>
        <source>(already trusted for these units)</source>
        <translation>(ya es de confianza para estas unidades)</translation>
    </message>
    <message>
        <source>Key %1:</source>
        <translation>Llave %1:</translation>
    </message>
    <message>
        <source>Fingerprint:</source>
        <translation>Huella:</translation>
    </message>
    <message>
        <source>May sign for:</source>
        <translation>Puede firmar por:</translation>
    </message>
    <message>
        <source>Yes, this is the central office: it may sign for every unit</source>
        <translation>Sí, es la oficina central: puede firmar por todas las unidades</translation>
    </message>
    <message>
        <source>A trusted key may sign sync bundles and authorization slips for those units, nothing else. Trusting is recorded in the audit log.</source>
        <translation>Una llave de confianza puede firmar paquetes de sincronización y comprobantes de autorización de esas unidades, nada más. La confianza queda en la bitácora de auditoría.</translation>
    </message>
</context>
</TS>
