<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>CatalogPage</name>
    <message>
        <source>&amp;New…</source>
        <translation>&amp;Nuevo…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Modificar…</translation>
    </message>
</context>
<context>
    <name>CatalogsTab</name>
    <message>
        <source>yes</source>
        <translation>sí</translation>
    </message>
    <message>
        <source>no</source>
        <translation>no</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Clave</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Delegation</source>
        <translation>Delegación</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Dirección</translation>
    </message>
    <message>
        <source>Telephone</source>
        <translation>Teléfono</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>Zona horaria</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Activo</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Especialidad</translation>
    </message>
    <message>
        <source>Basic</source>
        <translation>Básico</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Sexo</translation>
    </message>
    <message>
        <source>Validity (d)</source>
        <translation>Vigencia (d)</translation>
    </message>
    <message>
        <source>Repeat (d)</source>
        <translation>Repetir tras (d)</translation>
    </message>
    <message>
        <source>Ages</source>
        <translation>Edades</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Descripción</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>Unidades</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Servicios</translation>
    </message>
    <message>
        <source>Rejection reasons</source>
        <translation>Motivos de rechazo</translation>
    </message>
    <message>
        <source>Reload the &amp;shipped catalogs…</source>
        <translation>Recargar los catálogos de &amp;referencia…</translation>
    </message>
    <message>
        <source>Comparing with the shipped catalogs…</source>
        <translation>Comparando con los catálogos de referencia…</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <source>New rejection reason</source>
        <translation>Nuevo motivo de rechazo</translation>
    </message>
    <message>
        <source>Edit rejection reason</source>
        <translation>Modificar motivo de rechazo</translation>
    </message>
    <message>
        <source>Active (offered to specialists)</source>
        <translation>Activo (se ofrece a los dictaminadores)</translation>
    </message>
    <message>
        <source>&amp;Code:</source>
        <translation>&amp;Clave:</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>&amp;Descripción:</translation>
    </message>
</context>
<context>
    <name>ReloadPreviewDialog</name>
    <message>
        <source>Reload the shipped catalogs</source>
        <translation>Recargar los catálogos de referencia</translation>
    </message>
    <message>
        <source>Reloading would add %1, change %2 and deactivate %3 rows. Changes made here to those rows are replaced by the shipped values.</source>
        <translation>La recarga agregaría %1, cambiaría %2 y desactivaría %3 registros. Lo modificado aquí en esos registros se reemplaza por los valores de referencia.</translation>
    </message>
    <message>
        <source>The catalogs already hold the shipped reference data: nothing would change.</source>
        <translation>Los catálogos ya tienen los datos de referencia: no cambiaría nada.</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Aplicar</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
</context>
<context>
    <name>ServiceDialog</name>
    <message>
        <source>New service</source>
        <translation>Nuevo servicio</translation>
    </message>
    <message>
        <source>Edit service</source>
        <translation>Modificar servicio</translation>
    </message>
    <message>
        <source>In the unit&apos;s basic catalog (needs no ST2)</source>
        <translation>En el catálogo básico de la unidad (no requiere ST2)</translation>
    </message>
    <message>
        <source> days</source>
        <translation> días</translation>
    </message>
    <message>
        <source>Either</source>
        <translation>Ambos</translation>
    </message>
    <message>
        <source>Women only</source>
        <translation>Solo mujeres</translation>
    </message>
    <message>
        <source>Men only</source>
        <translation>Solo hombres</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Activo</translation>
    </message>
    <message>
        <source>to</source>
        <translation>a</translation>
    </message>
    <message>
        <source>years</source>
        <translation>años</translation>
    </message>
    <message>
        <source>&amp;Code:</source>
        <translation>&amp;Clave:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nombre:</translation>
    </message>
    <message>
        <source>Ca&amp;tegory:</source>
        <translation>Ca&amp;tegoría:</translation>
    </message>
    <message>
        <source>&amp;Specialty:</source>
        <translation>&amp;Especialidad:</translation>
    </message>
    <message>
        <source>&amp;Validity of an authorization:</source>
        <translation>&amp;Vigencia de la autorización:</translation>
    </message>
    <message>
        <source>&amp;Repeat window:</source>
        <translation>&amp;Periodo para repetir:</translation>
    </message>
    <message>
        <source>S&amp;ex:</source>
        <translation>Se&amp;xo:</translation>
    </message>
    <message>
        <source>&amp;Ages:</source>
        <translation>E&amp;dades:</translation>
    </message>
</context>
<context>
    <name>UnitDialog</name>
    <message>
        <source>New unit</source>
        <translation>Nueva unidad</translation>
    </message>
    <message>
        <source>Edit unit</source>
        <translation>Modificar unidad</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Activo</translation>
    </message>
    <message>
        <source>&amp;Code:</source>
        <translation>&amp;Clave:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nombre:</translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation>&amp;Tipo:</translation>
    </message>
    <message>
        <source>&amp;Delegation:</source>
        <translation>&amp;Delegación:</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation>Di&amp;rección:</translation>
    </message>
    <message>
        <source>&amp;Telephone:</source>
        <translation>T&amp;eléfono:</translation>
    </message>
    <message>
        <source>&amp;Time zone:</source>
        <translation>&amp;Zona horaria:</translation>
    </message>
</context>
</TS>
