<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>DateField</name>
    <message>
        <source>dd/mm/yyyy</source>
        <translation>dd/mm/aaaa</translation>
    </message>
    <message>
        <source>Not a valid date; write it as dd/mm/yyyy.</source>
        <translation>No es una fecha válida; escríbala como dd/mm/aaaa.</translation>
    </message>
</context>
<context>
    <name>Inbox</name>
    <message>
        <source>Folio, authorization number or NSS — Enter</source>
        <translation>Folio, número de autorización o NSS — Intro</translation>
    </message>
    <message>
        <source>Pending (all)</source>
        <translation>Pendientes (todas)</translation>
    </message>
    <message>
        <source>In review</source>
        <translation>En revisión</translation>
    </message>
    <message>
        <source>Information requested</source>
        <translation>Información solicitada</translation>
    </message>
    <message>
        <source>Your inbox shows your specialty only.</source>
        <translation>Su bandeja muestra solo su especialidad.</translation>
    </message>
    <message>
        <source>All specialties</source>
        <translation>Todas las especialidades</translation>
    </message>
    <message>
        <source>All requesting units</source>
        <translation>Todas las unidades solicitantes</translation>
    </message>
    <message>
        <source>Type the unit code to jump to it.</source>
        <translation>Escriba la clave de la unidad para ir a ella.</translation>
    </message>
    <message>
        <source>Any</source>
        <translation>Cualquiera</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>Urgente</translation>
    </message>
    <message>
        <source>Ordinary</source>
        <translation>Ordinaria</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualizar</translation>
    </message>
    <message>
        <source>Read the inbox again (F5)</source>
        <translation>Volver a leer la bandeja (F5)</translation>
    </message>
    <message>
        <source>Fo&amp;lio or NSS:</source>
        <translation>Fo&amp;lio o NSS:</translation>
    </message>
    <message>
        <source>Submitted &amp;from:</source>
        <translation>Enviada &amp;desde:</translation>
    </message>
    <message>
        <source>u&amp;ntil:</source>
        <translation>&amp;hasta:</translation>
    </message>
    <message>
        <source>S&amp;tatus:</source>
        <translation>&amp;Estado:</translation>
    </message>
    <message>
        <source>Spe&amp;cialty:</source>
        <translation>Espe&amp;cialidad:</translation>
    </message>
    <message>
        <source>Requesting &amp;unit:</source>
        <translation>&amp;Unidad solicitante:</translation>
    </message>
    <message>
        <source>Pri&amp;ority:</source>
        <translation>Pri&amp;oridad:</translation>
    </message>
    <message>
        <source>Pending requests</source>
        <translation>Solicitudes pendientes</translation>
    </message>
    <message>
        <source>&amp;Approve…</source>
        <translation>A&amp;probar…</translation>
    </message>
    <message>
        <source>&amp;Reject…</source>
        <translation>&amp;Rechazar…</translation>
    </message>
    <message>
        <source>Ask &amp;information…</source>
        <translation>Pedir in&amp;formación…</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Buscar</translation>
    </message>
    <message>
        <source>No request in your inbox matches “%1”.</source>
        <translation>Ninguna solicitud de su bandeja corresponde a «%1».</translation>
    </message>
    <message>
        <source>No pending requests match these filters.</source>
        <translation>No hay solicitudes pendientes con estos filtros.</translation>
    </message>
    <message>
        <source>Search “%1” — results: %2 — Esc returns to the inbox</source>
        <translation>Búsqueda «%1» — resultados: %2 — Esc vuelve a la bandeja</translation>
    </message>
    <message>
        <source>Requests: %1</source>
        <translation>Solicitudes: %1</translation>
    </message>
    <message>
        <source>More than %1 requests</source>
        <translation>Más de %1 solicitudes</translation>
    </message>
    <message>
        <source>You filed this request; another specialist decides it.</source>
        <translation>Usted elaboró esta solicitud; la dictamina otro especialista.</translation>
    </message>
    <message>
        <source>Waiting for the physician&apos;s answer.</source>
        <translation>En espera de la respuesta del médico.</translation>
    </message>
    <message>
        <source>Already decided.</source>
        <translation>Ya dictaminada.</translation>
    </message>
    <message>
        <source>%1 approved: authorization %2.</source>
        <translation>%1 aprobada: autorización %2.</translation>
    </message>
    <message>
        <source>%1 rejected (%2).</source>
        <translation>%1 rechazada (%2).</translation>
    </message>
    <message>
        <source>Question sent for %1; its clock is paused.</source>
        <translation>Pregunta enviada para %1; su plazo queda en pausa.</translation>
    </message>
</context>
<context>
    <name>PagedQueue</name>
    <message>
        <source>This request was changed on another workstation; its current state is shown.</source>
        <translation>Otra estación modificó esta solicitud; se muestra su estado actual.</translation>
    </message>
    <message>
        <source>Nothing to show.</source>
        <translation>No hay nada que mostrar.</translation>
    </message>
    <message>
        <source>This request was changed on another workstation (now: %1). Close this window to see its current state.</source>
        <translation>Esta solicitud fue modificada en otra estación (ahora: %1). Cierre esta ventana para ver su estado actual.</translation>
    </message>
</context>
</TS>
