<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>Printing</name>
    <message>
        <source>Print</source>
        <translation>Imprimir</translation>
    </message>
    <message>
        <source>✂ cut here</source>
        <translation>✂ cortar aquí</translation>
    </message>
    <message>
        <source>The file “%1” could not be written. Check that the folder exists and that you may write in it, or choose another printer with “Print…” (Ctrl+Shift+P).</source>
        <translation>No se pudo escribir el archivo «%1». Compruebe que la carpeta exista y que usted pueda escribir en ella, o elija otra impresora con «Imprimir…» (Ctrl+Mayús+P).</translation>
    </message>
    <message>
        <source>No printer is installed on this workstation. Ask for one to be installed, or use “Save PDF…” and print the file from another computer.</source>
        <translation>No hay ninguna impresora instalada en esta estación. Pida que instalen una, o use «Guardar PDF…» e imprima el archivo desde otra computadora.</translation>
    </message>
    <message>
        <source>The printer “%1” could not start the job. Check that it is on, connected and has paper, or choose another printer with “Print…” (Ctrl+Shift+P).</source>
        <translation>La impresora «%1» no pudo iniciar la impresión. Compruebe que esté encendida, conectada y con papel, o elija otra impresora con «Imprimir…» (Ctrl+Mayús+P).</translation>
    </message>
    <message>
        <source>The printer “%1” reported an error and the job may be incomplete. Check the printer (paper, toner, jam) and the print queue, then print again.</source>
        <translation>La impresora «%1» informó un error y la impresión puede haber quedado incompleta. Revise la impresora (papel, tóner, atasco) y la cola de impresión, y vuelva a imprimir.</translation>
    </message>
    <message>
        <source>Printing cancelled after %1 of %2 documents. Collect what came out of the printer and print the rest again.</source>
        <translation>Impresión cancelada después de %1 de %2 documentos. Recoja lo que ya salió de la impresora e imprima de nuevo el resto.</translation>
    </message>
    <message>
        <source>Printing cancelled.</source>
        <translation>Impresión cancelada.</translation>
    </message>
    <message>
        <source>Print preview</source>
        <translation>Vista previa de impresión</translation>
    </message>
</context>
</TS>
