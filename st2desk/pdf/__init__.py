"""ReportLab documents: paper ST2, authorization slip, reports (issue "Paper and offline")."""
