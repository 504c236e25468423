"""Reports: APA tables, figures, and the HTML/PDF study report."""
