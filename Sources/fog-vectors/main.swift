print("fog-vectors")
