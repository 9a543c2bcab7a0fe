"""zorgid-validatietool: the technisch beheerder's tool to complete, sign, check and return the organisation XML
(R-FLOW-APPLY, R-CRED-UZISERVER). It speaks to the server only over HTTP (``submit``); the document rules
themselves are zorgid.orgdoc's, shared with the server."""
