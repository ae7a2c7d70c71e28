// Command benchnop does nothing: the start-up time of a trivial Go binary,
// which validate of one small file is compared with.
package main

func main() {}
