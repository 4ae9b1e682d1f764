<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>FolioBlocksTab</name>
    <message>
        <source>&amp;Reserve</source>
        <translation>&amp;Reservar</translation>
    </message>
    <message>
        <source>Reserve the folios without printing (e.g. for fillable PDFs).</source>
        <translation>Reserva los folios sin imprimir (por ejemplo, para PDF rellenables).</translation>
    </message>
    <message>
        <source>Reserve and &amp;print…</source>
        <translation>Reservar e &amp;imprimir…</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>Bloque</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Unidad</translation>
    </message>
    <message>
        <source>Year</source>
        <translation>Año</translation>
    </message>
    <message>
        <source>First folio</source>
        <translation>Primer folio</translation>
    </message>
    <message>
        <source>Last folio</source>
        <translation>Último folio</translation>
    </message>
    <message>
        <source>Forms</source>
        <translation>Formatos</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>Usados</translation>
    </message>
    <message>
        <source>Free</source>
        <translation>Libres</translation>
    </message>
    <message>
        <source>Print the block &amp;again…</source>
        <translation>Imprimir el bloque de &amp;nuevo…</translation>
    </message>
    <message>
        <source>&amp;Unit:</source>
        <translation>&amp;Unidad:</translation>
    </message>
    <message>
        <source>Folios:</source>
        <translation>Folios:</translation>
    </message>
    <message>
        <source>A paper form can be captured only with a folio of a block reserved for its unit. Folios are never handed out twice.</source>
        <translation>Un formato en papel solo se captura con un folio de un bloque reservado para su unidad. Los folios nunca se entregan dos veces.</translation>
    </message>
    <message>
        <source>Folio blocks</source>
        <translation>Bloques de folios</translation>
    </message>
    <message>
        <source>Block %1 reserved: %2 to %3.</source>
        <translation>Bloque %1 reservado: %2 a %3.</translation>
    </message>
</context>
</TS>
