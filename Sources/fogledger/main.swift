print("fogledger")
