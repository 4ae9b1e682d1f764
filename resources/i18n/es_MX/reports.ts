<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>DayField</name>
    <message>
        <source>dd/mm/yyyy</source>
        <translation>dd/mm/aaaa</translation>
    </message>
    <message>
        <source>dd/mm/yyyy — Alt+Down opens the calendar</source>
        <translation>dd/mm/aaaa — Alt+Abajo abre el calendario</translation>
    </message>
    <message>
        <source>Choose the day in a calendar (Alt+Down)</source>
        <translation>Elegir el día en un calendario (Alt+Abajo)</translation>
    </message>
</context>
<context>
    <name>ReportTableView</name>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Copiar</translation>
    </message>
    <message>
        <source>&amp;Save this table as CSV…</source>
        <translation>&amp;Guardar esta tabla como CSV…</translation>
    </message>
</context>
<context>
    <name>ReportsView</name>
    <message>
        <source>Type the first letters or the code to jump to an entry.</source>
        <translation>Escriba las primeras letras o la clave para ir a una opción.</translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation>&amp;Desde:</translation>
    </message>
    <message>
        <source>&amp;To:</source>
        <translation>&amp;Hasta:</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>Este mes</translation>
    </message>
    <message>
        <source>From the 1st of this month to today</source>
        <translation>Del día 1 de este mes a hoy</translation>
    </message>
    <message>
        <source>This quarter</source>
        <translation>Este trimestre</translation>
    </message>
    <message>
        <source>From the first day of this quarter to today</source>
        <translation>Del primer día de este trimestre a hoy</translation>
    </message>
    <message>
        <source>Last quarter</source>
        <translation>Trimestre anterior</translation>
    </message>
    <message>
        <source>The whole previous quarter</source>
        <translation>Todo el trimestre anterior</translation>
    </message>
    <message>
        <source>This year</source>
        <translation>Este año</translation>
    </message>
    <message>
        <source>From 1 January to today</source>
        <translation>Del 1 de enero a hoy</translation>
    </message>
    <message>
        <source>&amp;Delegation:</source>
        <translation>De&amp;legación:</translation>
    </message>
    <message>
        <source>&amp;Unit:</source>
        <translation>&amp;Unidad:</translation>
    </message>
    <message>
        <source>Requesting unit</source>
        <translation>Unidad solicitante</translation>
    </message>
    <message>
        <source>&amp;Specialty:</source>
        <translation>&amp;Especialidad:</translation>
    </message>
    <message>
        <source>&amp;Category:</source>
        <translation>&amp;Categoría:</translation>
    </message>
    <message>
        <source>Week</source>
        <translation>Semana</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>Mes</translation>
    </message>
    <message>
        <source>Service category</source>
        <translation>Categoría de servicio</translation>
    </message>
    <message>
        <source>Specialty</source>
        <translation>Especialidad</translation>
    </message>
    <message>
        <source>Delegation</source>
        <translation>Delegación</translation>
    </message>
    <message>
        <source>Add a table of requests and decisions by this breakdown</source>
        <translation>Agrega una tabla de solicitudes y dictámenes con este desglose</translation>
    </message>
    <message>
        <source>&amp;Break down by:</source>
        <translation>Desglosar &amp;por:</translation>
    </message>
    <message>
        <source>Gene&amp;rate  Ctrl+G</source>
        <translation>&amp;Generar  Ctrl+G</translation>
    </message>
    <message>
        <source>Compute the report for these filters (Ctrl+G, F5 or Enter)</source>
        <translation>Calcula el reporte con estos filtros (Ctrl+G, F5 o Intro)</translation>
    </message>
    <message>
        <source>E&amp;xport…  Ctrl+E</source>
        <translation>E&amp;xportar…  Ctrl+E</translation>
    </message>
    <message>
        <source>Save the report as an Excel workbook, CSV or PDF (Ctrl+E)</source>
        <translation>Guarda el reporte como libro de Excel, CSV o PDF (Ctrl+E)</translation>
    </message>
    <message>
        <source>The filters changed: press Ctrl+G to update the report.</source>
        <translation>Los filtros cambiaron: oprima Ctrl+G para actualizar el reporte.</translation>
    </message>
    <message>
        <source>Choose the period and the filters, tick the breakdowns you want, and press Generate (Ctrl+G).</source>
        <translation>Elija el periodo y los filtros, marque los desgloses que necesite y oprima Generar (Ctrl+G).</translation>
    </message>
    <message>
        <source>The report shows the backlog by specialty (the greatest deferral first), the physicians who request far more than their peers, approval rates and times to decision, duplicates and emergencies. Ctrl+E exports it as XLSX, CSV or PDF.</source>
        <translation>El reporte muestra el rezago por especialidad (primero la de mayor diferimiento), los médicos que solicitan muy por encima de sus pares, las tasas de aprobación y los tiempos a dictamen, los duplicados y las urgencias. Ctrl+E lo exporta como XLSX, CSV o PDF.</translation>
    </message>
    <message>
        <source>Generate report</source>
        <translation>Generar reporte</translation>
    </message>
    <message>
        <source>Export report</source>
        <translation>Exportar reporte</translation>
    </message>
    <message>
        <source>All delegations</source>
        <translation>Todas las delegaciones</translation>
    </message>
    <message>
        <source>All specialties</source>
        <translation>Todas las especialidades</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>Todas las categorías</translation>
    </message>
    <message>
        <source>All requesting units</source>
        <translation>Todas las unidades solicitantes</translation>
    </message>
    <message>
        <source>Write the dates as dd/mm/yyyy, for example 31/03/2026.</source>
        <translation>Escriba las fechas como dd/mm/aaaa, por ejemplo 31/03/2026.</translation>
    </message>
    <message>
        <source>Generating the report…</source>
        <translation>Generando el reporte…</translation>
    </message>
    <message>
        <source>Generation cancelled; the report shown (if any) is the previous one.</source>
        <translation>Se canceló la generación; el reporte que se muestra (si lo hay) es el anterior.</translation>
    </message>
    <message>
        <source>The report could not be generated because of an unexpected error; the details are in the log.</source>
        <translation>No se pudo generar el reporte por un error inesperado; los detalles quedaron en el registro.</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Resumen</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>Gráficas</translation>
    </message>
    <message>
        <source>Public metrics</source>
        <translation>Métricas públicas</translation>
    </message>
    <message>
        <source>Definitions</source>
        <translation>Definiciones</translation>
    </message>
    <message>
        <source>%1 requests submitted, %2 first decisions, %3 pending at the cut-off (%4). Generated at %5.</source>
        <translation>%1 solicitudes enviadas, %2 primeros dictámenes, %3 pendientes al corte (%4). Generado el %5.</translation>
    </message>
    <message>
        <source>Backlog</source>
        <translation>Rezago</translation>
    </message>
    <message>
        <source>Physicians</source>
        <translation>Médicos</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>Fuera de plazo</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>Duplicados</translation>
    </message>
    <message>
        <source>Emergencies</source>
        <translation>Urgencias</translation>
    </message>
    <message>
        <source>By week</source>
        <translation>Por semana</translation>
    </message>
    <message>
        <source>By month</source>
        <translation>Por mes</translation>
    </message>
    <message>
        <source>By category</source>
        <translation>Por categoría</translation>
    </message>
    <message>
        <source>By specialty</source>
        <translation>Por especialidad</translation>
    </message>
    <message>
        <source>By unit</source>
        <translation>Por unidad</translation>
    </message>
    <message>
        <source>By delegation</source>
        <translation>Por delegación</translation>
    </message>
    <message>
        <source>Public prior-authorization metrics</source>
        <translation>Métricas públicas de autorización previa</translation>
    </message>
    <message>
        <source>Export PDF to &amp;publish…</source>
        <translation>Exportar PDF para &amp;publicar…</translation>
    </message>
    <message>
        <source>Only the public metrics, with their definitions, as a PDF a delegation can publish</source>
        <translation>Solo las métricas públicas, con sus definiciones, en un PDF que una delegación puede publicar</translation>
    </message>
    <message>
        <source>&lt;b&gt;Greatest deferral:&lt;/b&gt; %1 — the oldest pending request has waited %2 days; %3 pending, %4 overdue. &lt;a href=&quot;backlog&quot;&gt;See the backlog&lt;/a&gt;</source>
        <translation>&lt;b&gt;Mayor diferimiento:&lt;/b&gt; %1 — la solicitud pendiente más antigua lleva %2 días; %3 pendientes, %4 vencidas. &lt;a href=&quot;backlog&quot;&gt;Ver el rezago&lt;/a&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Backlog:&lt;/b&gt; no request is waiting for a decision.</source>
        <translation>&lt;b&gt;Rezago:&lt;/b&gt; ninguna solicitud espera dictamen.</translation>
    </message>
    <message>
        <source>%1 (%2, %3): %4 requests, %5 × the median of %6 peers</source>
        <translation>%1 (%2, %3): %4 solicitudes, %5 veces la mediana de %6 pares</translation>
    </message>
    <message>
        <source>and %1 more.</source>
        <translation>y %1 más.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Far above their peers:&lt;/b&gt; %1%2 &lt;a href=&quot;physicians&quot;&gt;See the physicians&lt;/a&gt;</source>
        <translation>&lt;b&gt;Muy por encima de sus pares:&lt;/b&gt; %1%2 &lt;a href=&quot;physicians&quot;&gt;Ver los médicos&lt;/a&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Far above their peers:&lt;/b&gt; no physician. &lt;a href=&quot;definitions&quot;&gt;How it is measured&lt;/a&gt;</source>
        <translation>&lt;b&gt;Muy por encima de sus pares:&lt;/b&gt; ningún médico. &lt;a href=&quot;definitions&quot;&gt;Cómo se mide&lt;/a&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Decisions:&lt;/b&gt; %1 approved of %2 first decisions; %3 decided late. &lt;a href=&quot;charts&quot;&gt;See the charts&lt;/a&gt;</source>
        <translation>&lt;b&gt;Dictámenes:&lt;/b&gt; %1 aprobados de %2 primeros dictámenes; %3 fuera de plazo. &lt;a href=&quot;charts&quot;&gt;Ver las gráficas&lt;/a&gt;</translation>
    </message>
    <message>
        <source>No charts: nothing was submitted, decided or pending for these filters.</source>
        <translation>Sin gráficas: no hay solicitudes enviadas, dictaminadas ni pendientes con estos filtros.</translation>
    </message>
    <message>
        <source>How each figure is measured</source>
        <translation>Cómo se mide cada cifra</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Libro de Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>CSV text, comma-separated (*.csv)</source>
        <translation>Texto CSV, separado por comas (*.csv)</translation>
    </message>
    <message>
        <source>PDF report with charts (*.pdf)</source>
        <translation>Reporte PDF con gráficas (*.pdf)</translation>
    </message>
    <message>
        <source>Generate a report first (Ctrl+G).</source>
        <translation>Primero genere un reporte (Ctrl+G).</translation>
    </message>
    <message>
        <source>Export public metrics</source>
        <translation>Exportar métricas públicas</translation>
    </message>
    <message>
        <source>Writing the Excel workbook…</source>
        <translation>Escribiendo el libro de Excel…</translation>
    </message>
    <message>
        <source>Writing the CSV file…</source>
        <translation>Escribiendo el archivo CSV…</translation>
    </message>
    <message>
        <source>Writing the PDF report…</source>
        <translation>Escribiendo el reporte PDF…</translation>
    </message>
    <message>
        <source>Export cancelled; no file was written.</source>
        <translation>Se canceló la exportación; no se escribió ningún archivo.</translation>
    </message>
    <message>
        <source>The file could not be saved: %1</source>
        <translation>No se pudo guardar el archivo: %1</translation>
    </message>
    <message>
        <source>Report saved in %1.</source>
        <translation>Reporte guardado en %1.</translation>
    </message>
    <message>
        <source>Save table as CSV</source>
        <translation>Guardar tabla como CSV</translation>
    </message>
    <message>
        <source>Table saved in %1.</source>
        <translation>Tabla guardada en %1.</translation>
    </message>
</context>
<context>
    <name>TablePage</name>
    <message>
        <source>Nothing to show for these filters.</source>
        <translation>Nada que mostrar con estos filtros.</translation>
    </message>
</context>
</TS>
