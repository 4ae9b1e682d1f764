<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
    <context>
        <name>SyncTab</name>
        <message>
            <source>Destination site</source>
            <translation>Sitio destino</translation>
        </message>
        <message>
            <source>Everything, not only what changed since the last export</source>
            <translation>Todo, no solo lo que cambió desde la última exportación</translation>
        </message>
        <message>
            <source>&amp;Export a bundle…</source>
            <translation>&amp;Exportar un paquete…</translation>
        </message>
        <message>
            <source>Send to another site</source>
            <translation>Enviar a otro sitio</translation>
        </message>
        <message>
            <source>&amp;Destination:</source>
            <translation>&amp;Destino:</translation>
        </message>
        <message>
            <source>&amp;Only this unit:</source>
            <translation>&amp;Solo esta unidad:</translation>
        </message>
        <message>
            <source>&amp;Import a bundle…</source>
            <translation>&amp;Importar un paquete…</translation>
        </message>
        <message>
            <source>A bundle is accepted whole or not at all: if any record conflicts with this database or is refused, nothing of it is written and each reason is listed below.</source>
            <translation>Un paquete se acepta completo o nada: si algún registro choca con esta base de datos o no se acepta, no se escribe nada de él y abajo se lista cada motivo.</translation>
        </message>
        <message>
            <source>Receive from another site</source>
            <translation>Recibir de otro sitio</translation>
        </message>
        <message>
            <source>No bundle imported in this session yet.</source>
            <translation>Aún no se ha importado ningún paquete en esta sesión.</translation>
        </message>
        <message>
            <source>&amp;Decide the conflicts…</source>
            <translation>&amp;Decidir los conflictos…</translation>
        </message>
        <message>
            <source>Result</source>
            <translation>Resultado</translation>
        </message>
        <message>
            <source>Records</source>
            <translation>Registros</translation>
        </message>
        <message>
            <source>Reason</source>
            <translation>Motivo</translation>
        </message>
        <message>
            <source>Report of the last import</source>
            <translation>Informe de la última importación</translation>
        </message>
        <message>
            <source>(no trusted site yet: trust its key in Sites and keys)</source>
            <translation>(aún no hay sitios de confianza: confíe en su llave en Sitios y llaves)</translation>
        </message>
        <message>
            <source>(every unit)</source>
            <translation>(todas las unidades)</translation>
        </message>
        <message>
            <source>Export a bundle</source>
            <translation>Exportar un paquete</translation>
        </message>
        <message>
            <source>st2desk bundles (*.st2sync);;All files (*)</source>
            <translation>Paquetes de st2desk (*.st2sync);;Todos los archivos (*)</translation>
        </message>
        <message>
            <source>File: %1.</source>
            <translation>Archivo: %1.</translation>
        </message>
        <message>
            <source>Exporting the bundle…</source>
            <translation>Exportando el paquete…</translation>
        </message>
        <message>
            <source>Import a bundle</source>
            <translation>Importar un paquete</translation>
        </message>
        <message>
            <source>Verifying and importing the bundle…</source>
            <translation>Verificando e importando el paquete…</translation>
        </message>
        <message>
            <source>Already here</source>
            <translation>Ya estaba</translation>
        </message>
        <message>
            <source>the whole bundle</source>
            <translation>todo el paquete</translation>
        </message>
        <message>
            <source>This bundle was imported before: nothing changed.</source>
            <translation>Este paquete ya se había importado: no cambió nada.</translation>
        </message>
        <message>
            <source>Accepted</source>
            <translation>Aceptado</translation>
        </message>
        <message>
            <source>new in this database</source>
            <translation>nuevo en esta base de datos</translation>
        </message>
        <message>
            <source>updated: the other site changed it, this one had not</source>
            <translation>actualizado: el otro sitio lo cambió y este no</translation>
        </message>
        <message>
            <source>the same as in this database</source>
            <translation>igual que en esta base de datos</translation>
        </message>
        <message>
            <source>Valid, not written</source>
            <translation>Válido, no escrito</translation>
        </message>
        <message>
            <source>%1 REFUSED: nothing of it was written (conflicts: %2; records refused: %3). Decide the conflicts, or ask the other site for a corrected bundle, then import it again.</source>
            <translation>%1 RECHAZADO: no se escribió nada de él (conflictos: %2; registros no aceptados: %3). Decida los conflictos o pida al otro sitio un paquete corregido, y vuelva a importarlo.</translation>
        </message>
        <message>
            <source>Conflict</source>
            <translation>Conflicto</translation>
        </message>
        <message>
            <source>Signs for: %1</source>
            <translation>Firma por: %1</translation>
        </message>
        <message>
            <source>Refused</source>
            <translation>No aceptado</translation>
        </message>
        <message>
            <source>Skipped (older)</source>
            <translation>Omitido (más antiguo)</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>Nota</translation>
        </message>
        <message>
            <source>%1 was already imported: nothing changed.</source>
            <translation>%1 ya se había importado: no cambió nada.</translation>
        </message>
        <message>
            <source>%1 imported: %2 records written (site %3, bundle no. %4).</source>
            <translation>%1 importado: %2 registros escritos (sitio %3, paquete n.º %4).</translation>
        </message>
    </context>
</TS>