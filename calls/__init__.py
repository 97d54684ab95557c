"""Calls (AMI, AAP), their stages, applications, partners, documents and evaluation."""
