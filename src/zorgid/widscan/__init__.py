"""The server side of the WID scan app (R-FLOW-WIDSCAN): its link to a Mobile ID and the WID checks it records."""
