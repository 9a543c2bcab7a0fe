"""zorgid-widscan: a healthcare employee checks a patient's identity document by its MRZ (R-FLOW-WIDSCAN)."""
