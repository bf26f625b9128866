"""The only package code that imports streamlit: session, filters, cached reads, small components."""
