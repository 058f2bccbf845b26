module example.com/leakprofile

go 1.27
