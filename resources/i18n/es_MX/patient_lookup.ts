<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_MX">
<context>
    <name>DateEdit</name>
    <message>
        <source>dd/mm/yyyy</source>
        <translation>dd/mm/aaaa</translation>
    </message>
    <message>
        <source>Open calendar (Alt+Down)</source>
        <translation>Abrir calendario (Alt+flecha abajo)</translation>
    </message>
    <message>
        <source>Write a real date as dd/mm/yyyy.</source>
        <translation>Escriba una fecha válida como dd/mm/aaaa.</translation>
    </message>
    <message>
        <source>The date is too far in the past.</source>
        <translation>La fecha es demasiado antigua.</translation>
    </message>
    <message>
        <source>The date cannot be later than %1.</source>
        <translation>La fecha no puede ser posterior al %1.</translation>
    </message>
</context>
<context>
    <name>PatientPanel</name>
    <message>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <source>11 digits</source>
        <translation>11 dígitos</translation>
    </message>
    <message>
        <source>NSS</source>
        <translation>NSS</translation>
    </message>
    <message>
        <source>Look up</source>
        <translation>Buscar</translation>
    </message>
    <message>
        <source>Look up the NSS (Enter)</source>
        <translation>Buscar el NSS (Enter)</translation>
    </message>
    <message>
        <source>Registered patients under this NSS</source>
        <translation>Pacientes registrados con este NSS</translation>
    </message>
    <message>
        <source>&amp;Edit patient data</source>
        <translation>&amp;Modificar datos</translation>
    </message>
    <message>
        <source>Correct the registered data of this patient</source>
        <translation>Corregir los datos registrados de este paciente</translation>
    </message>
    <message>
        <source>e.g. 1M1980OR</source>
        <translation>p. ej. 1M1980OR</translation>
    </message>
    <message>
        <source>18 characters</source>
        <translation>18 caracteres</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>Hombre</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>Mujer</translation>
    </message>
    <message>
        <source>Last day of the patient&apos;s eligibility (vigencia de derechos)</source>
        <translation>Último día de la vigencia de derechos del paciente</translation>
    </message>
    <message>
        <source>&amp;NSS:</source>
        <translation>&amp;NSS:</translation>
    </message>
    <message>
        <source>Pat&amp;ient:</source>
        <translation>Pac&amp;iente:</translation>
    </message>
    <message>
        <source>&amp;Agregado:</source>
        <translation>&amp;Agregado:</translation>
    </message>
    <message>
        <source>&amp;CURP:</source>
        <translation>&amp;CURP:</translation>
    </message>
    <message>
        <source>&amp;First name(s):</source>
        <translation>Nom&amp;bre(s):</translation>
    </message>
    <message>
        <source>&amp;Last name:</source>
        <translation>&amp;Primer apellido:</translation>
    </message>
    <message>
        <source>Sec&amp;ond last name:</source>
        <translation>Segund&amp;o apellido:</translation>
    </message>
    <message>
        <source>&amp;Birth date:</source>
        <translation>&amp;Fecha de nacimiento:</translation>
    </message>
    <message>
        <source>Se&amp;x:</source>
        <translation>Se&amp;xo:</translation>
    </message>
    <message>
        <source>Eli&amp;gible until:</source>
        <translation>&amp;Vigencia hasta:</translation>
    </message>
    <message>
        <source>Write the patient&apos;s birth date.</source>
        <translation>Escriba la fecha de nacimiento del paciente.</translation>
    </message>
    <message>
        <source>Choose the patient&apos;s sex.</source>
        <translation>Elija el sexo del paciente.</translation>
    </message>
    <message>
        <source>insured</source>
        <translation>asegurado</translation>
    </message>
    <message>
        <source>beneficiary</source>
        <translation>beneficiario</translation>
    </message>
    <message>
        <source>%1 · %2 (%3)</source>
        <translation>%1 · %2 (%3)</translation>
    </message>
    <message>
        <source>Another beneficiary under this NSS (register)…</source>
        <translation>Otro beneficiario con este NSS (registrarlo)…</translation>
    </message>
    <message>
        <source>%1 of 11 digits</source>
        <translation>%1 de 11 dígitos</translation>
    </message>
    <message>
        <source>Nobody is registered with this NSS: capture the patient&apos;s data to register them.</source>
        <translation>No hay nadie registrado con este NSS: capture los datos del paciente para registrarlo.</translation>
    </message>
    <message>
        <source>✓ Valid NSS</source>
        <translation>✓ NSS válido</translation>
    </message>
    <message>
        <source>Number, sex, birth year and regime</source>
        <translation>Número, sexo, año de nacimiento y régimen</translation>
    </message>
    <message>
        <source>%1 of 18 characters</source>
        <translation>%1 de 18 caracteres</translation>
    </message>
    <message>
        <source>✓ Valid CURP</source>
        <translation>✓ CURP válida</translation>
    </message>
    <message>
        <source>Type the NSS: registered patients are looked up as you type.</source>
        <translation>Escriba el NSS: los pacientes registrados se buscan mientras escribe.</translation>
    </message>
    <message>
        <source>New patient: they will be registered when the request is saved.</source>
        <translation>Paciente nuevo: se registrará al guardar la solicitud.</translation>
    </message>
    <message>
        <source>The corrected data will be saved with the request.</source>
        <translation>Los datos corregidos se guardarán con la solicitud.</translation>
    </message>
    <message>
        <source>Eligibility ended on %1.</source>
        <translation>La vigencia de derechos terminó el %1.</translation>
    </message>
    <message>
        <source>Registered patient · eligible until %1</source>
        <translation>Paciente registrado · vigente hasta el %1</translation>
    </message>
    <message>
        <source>Registered patient · eligibility not recorded</source>
        <translation>Paciente registrado · vigencia no registrada</translation>
    </message>
</context>
</TS>
