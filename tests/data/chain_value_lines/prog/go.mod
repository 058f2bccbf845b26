module example.com/chainvalue

go 1.19
