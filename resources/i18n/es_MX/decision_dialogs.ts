<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>ApproveDialog</name>
    <message>
        <source>Approve request</source>
        <translation>Aprobar solicitud</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>A&amp;probar</translation>
    </message>
    <message>
        <source>Type the unit code to jump to it.</source>
        <translation>Escriba la clave de la unidad para ir a ella.</translation>
    </message>
    <message>
        <source>E.g. fasting 8 hours; bring previous studies.</source>
        <translation>P. ej., ayuno de 8 horas; traer estudios previos.</translation>
    </message>
    <message>
        <source>&amp;Validity:</source>
        <translation>&amp;Vigencia:</translation>
    </message>
    <message>
        <source>&amp;Performing unit:</source>
        <translation>&amp;Unidad de destino:</translation>
    </message>
    <message>
        <source>Scheduling &amp;note (optional):</source>
        <translation>&amp;Nota de programación (opcional):</translation>
    </message>
</context>
<context>
    <name>AskInfoDialog</name>
    <message>
        <source>Ask for information</source>
        <translation>Pedir información</translation>
    </message>
    <message>
        <source>&amp;Send question</source>
        <translation>&amp;Enviar pregunta</translation>
    </message>
    <message>
        <source>What does the physician need to add? E.g. result of the previous study.</source>
        <translation>¿Qué debe agregar el médico? P. ej., el resultado del estudio previo.</translation>
    </message>
    <message>
        <source>The service-level clock pauses until the physician answers.</source>
        <translation>El plazo de atención se pausa hasta que el médico responda.</translation>
    </message>
    <message>
        <source>&amp;Question:</source>
        <translation>&amp;Pregunta:</translation>
    </message>
</context>
<context>
    <name>DecisionDialog</name>
    <message>
        <source>Ctrl+Enter confirms · Esc cancels</source>
        <translation>Ctrl+Intro confirma · Esc cancela</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>%1 characters; at least %2</source>
        <translation>%1 caracteres; mínimo %2</translation>
    </message>
    <message>
        <source>%1 of %2 characters</source>
        <translation>%1 de %2 caracteres</translation>
    </message>
    <message>
        <source> days</source>
        <translation> días</translation>
    </message>
    <message>
        <source>valid until %1</source>
        <translation>vigente hasta el %1</translation>
    </message>
</context>
<context>
    <name>DenyAppealDialog</name>
    <message>
        <source>Deny appeal</source>
        <translation>Negar recurso</translation>
    </message>
    <message>
        <source>&amp;Deny appeal</source>
        <translation>&amp;Negar recurso</translation>
    </message>
</context>
<context>
    <name>GrantAppealDialog</name>
    <message>
        <source>Grant appeal</source>
        <translation>Conceder recurso</translation>
    </message>
    <message>
        <source>&amp;Grant and authorize</source>
        <translation>&amp;Conceder y autorizar</translation>
    </message>
    <message>
        <source>Why the first decision is reversed.</source>
        <translation>Por qué se revoca el primer dictamen.</translation>
    </message>
    <message>
        <source>&amp;Validity:</source>
        <translation>&amp;Vigencia:</translation>
    </message>
    <message>
        <source>&amp;Resolution:</source>
        <translation>&amp;Resolución:</translation>
    </message>
</context>
<context>
    <name>RejectDialog</name>
    <message>
        <source>Reject request</source>
        <translation>Rechazar solicitud</translation>
    </message>
    <message>
        <source>&amp;Reject</source>
        <translation>&amp;Rechazar</translation>
    </message>
    <message>
        <source>— choose a reason —</source>
        <translation>— elija un motivo —</translation>
    </message>
    <message>
        <source>Say specifically what is missing or why the service is not indicated.</source>
        <translation>Indique concretamente qué falta o por qué el servicio no está indicado.</translation>
    </message>
    <message>
        <source>R&amp;eason:</source>
        <translation>&amp;Motivo:</translation>
    </message>
    <message>
        <source>E&amp;xplanation:</source>
        <translation>E&amp;xplicación:</translation>
    </message>
</context>
</TS>
