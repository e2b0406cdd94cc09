extern "C" int glue_read(int x)
{
	return x * 2;
}
