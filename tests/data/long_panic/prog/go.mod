module example.com/longpanic

go 1.21
