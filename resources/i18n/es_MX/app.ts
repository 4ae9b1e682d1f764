<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>App</name>
    <message>
        <source>The database is not initialised. Run “st2desk init” (and “st2desk demo” for demonstration data), then start st2desk again.</source>
        <translation>La base de datos no está inicializada. Ejecute «st2desk init» (y «st2desk demo» para datos de demostración) y vuelva a abrir st2desk.</translation>
    </message>
    <message>
        <source>There are no users yet. Create the first administrator with “st2desk user add USUARIO --name … --unit … --role admin” or load demonstration data with “st2desk demo”.</source>
        <translation>Aún no hay usuarios. Cree el primer administrador con «st2desk user add USUARIO --name … --unit … --role admin» o cargue datos de demostración con «st2desk demo».</translation>
    </message>
    <message>
        <source>The database files could be read by other accounts of this computer; now only yours can.</source>
        <translation>Otras cuentas de este equipo podían leer los archivos de la base de datos; ahora solo la suya puede.</translation>
    </message>
</context>
</TS>
