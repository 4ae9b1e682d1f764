<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>ChartPanel</name>
    <message>
        <source>Data of the chart: %1</source>
        <translation>Datos de la gráfica: %1</translation>
    </message>
</context>
</TS>
