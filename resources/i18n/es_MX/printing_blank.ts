<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>BlankFormsDialog</name>
    <message>
        <source>Print blank ST2 forms</source>
        <translation>Imprimir formatos ST2 en blanco</translation>
    </message>
    <message>
        <source>Reserve a &amp;new block</source>
        <translation>Reservar un bloque &amp;nuevo</translation>
    </message>
    <message>
        <source>&amp;Reprint a block</source>
        <translation>&amp;Reimprimir un bloque</translation>
    </message>
    <message>
        <source>Unit code, e.g. 09UMF20</source>
        <translation>Clave de la unidad, p. ej. 09UMF20</translation>
    </message>
    <message>
        <source>Block %1 · %2 … %3 (%4 forms, %5 used)</source>
        <translation>Bloque %1 · %2 … %3 (%4 formatos, %5 usados)</translation>
    </message>
    <message>
        <source>Letter paper, one form per sheet, each with its folio and QR code. If printing stops, the folios stay reserved: reprint the block.</source>
        <translation>Papel carta, un formato por hoja, cada uno con su folio y código QR. Si la impresión se interrumpe, los folios siguen reservados: reimprima el bloque.</translation>
    </message>
    <message>
        <source>&amp;Unit:</source>
        <translation>&amp;Unidad:</translation>
    </message>
    <message>
        <source>&amp;Forms:</source>
        <translation>&amp;Formatos:</translation>
    </message>
    <message>
        <source>&amp;Block:</source>
        <translation>&amp;Bloque:</translation>
    </message>
    <message>
        <source>&amp;Print</source>
        <translation>Im&amp;primir</translation>
    </message>
    <message>
        <source>Choose &amp;printer and print…</source>
        <translation>&amp;Elegir impresora e imprimir…</translation>
    </message>
    <message>
        <source>The folios of block %1 stay reserved: print it again with “Reprint a block”.</source>
        <translation>Los folios del bloque %1 siguen reservados: imprímalo de nuevo con «Reimprimir un bloque».</translation>
    </message>
    <message>
        <source>%1 blank forms (%2 to %3, block %4) sent to %5.</source>
        <translation>%1 formatos en blanco (%2 a %3, bloque %4) enviados a «%5».</translation>
    </message>
    <message>
        <source>Printing blank forms…</source>
        <translation>Imprimiendo formatos en blanco…</translation>
    </message>
</context>
</TS>
